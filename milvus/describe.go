package milvus

import (
	"context"
	"encoding/json"
)

// Requests of the description calls (Milvus 2.6.19 and later, release.Descriptions). Older
// releases refuse the description key, so these are sent only to a release that keeps
// descriptions: plan makes description steps only for one.
type (
	describedUserReq struct {
		UserName    string `json:"userName"`
		Password    string `json:"password"`
		Description string `json:"description"`
	}
	describedRoleReq struct {
		RoleName    string `json:"roleName"`
		Description string `json:"description"`
	}
	userDescriptionReq struct {
		UserName    string `json:"userName"`
		Description string `json:"description"`
	}
)

// described is what decode returns for users/describe and roles/describe: the answer's data
// and the description beside it (absent before 2.6.19).
type described struct {
	Data        json.RawMessage `json:"data"`
	Description *string         `json:"description"`
}

// splitDescribed separates the data of a describe answer from its description.
func splitDescribed(raw json.RawMessage) (json.RawMessage, string) {
	var d described
	if len(raw) == 0 || json.Unmarshal(raw, &d) != nil || len(d.Data) == 0 {
		return raw, ""
	}
	desc := ""
	if d.Description != nil {
		desc = *d.Description
	}
	return d.Data, desc
}

// CreateUserDescribed creates user name with password and description (users/create).
func (c *Client) CreateUserDescribed(ctx context.Context, name, password, description string) error {
	return c.mutateSettled(ctx, "users/create", describedUserReq{UserName: name, Password: password, Description: description},
		"users/list", name, true, IsAlreadyExists, password)
}

// CreateRoleDescribed creates role name with description (roles/create).
func (c *Client) CreateRoleDescribed(ctx context.Context, name, description string) error {
	return c.mutateSettled(ctx, "roles/create", describedRoleReq{RoleName: name, Description: description}, "roles/list", name, true, IsAlreadyExists)
}

// AlterRole sets the description of role name (roles/alter).
func (c *Client) AlterRole(ctx context.Context, name, description string) error {
	return c.mutate(ctx, "roles/alter", describedRoleReq{RoleName: name, Description: description})
}

// UpdateUserDescription sets the description of user name (users/update_password with the
// description only: the password is left as it is).
func (c *Client) UpdateUserDescription(ctx context.Context, name, description string) error {
	return c.mutate(ctx, "users/update_password", userDescriptionReq{UserName: name, Description: description})
}
