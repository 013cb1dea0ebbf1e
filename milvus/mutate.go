package milvus

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// Request bodies of the mutations (§1.2). Field order is the order on the wire.
type (
	passwordReq struct {
		UserName string `json:"userName"`
		Password string `json:"password"`
	}
	userRoleReq struct {
		UserName string `json:"userName"`
		RoleName string `json:"roleName"`
	}
	roleReq struct {
		RoleName string `json:"roleName"`
	}
	grantV2Req struct {
		RoleName       string `json:"roleName"`
		Privilege      string `json:"privilege"`
		DBName         string `json:"dbName"`
		CollectionName string `json:"collectionName"`
	}
	grantV1Req struct {
		RoleName   string `json:"roleName"`
		ObjectType string `json:"objectType"`
		ObjectName string `json:"objectName"`
		Privilege  string `json:"privilege"`
		DBName     string `json:"dbName"`
	}
	groupReq struct {
		Name string `json:"privilegeGroupName"`
	}
	groupPrivilegesReq struct {
		Name       string   `json:"privilegeGroupName"`
		Privileges []string `json:"privileges"`
	}
)

func (c *Client) mutate(ctx context.Context, endpoint string, req any, secrets ...string) error {
	_, err := c.call(ctx, endpoint, req, secrets...)
	return err
}

// CreateUser creates user name with password (users/create). The password goes only into the
// request body, and is scrubbed from any server message kept in an error.
func (c *Client) CreateUser(ctx context.Context, name, password string) error {
	return c.mutate(ctx, "users/create", passwordReq{UserName: name, Password: password}, password)
}

// DropUser drops user name (users/drop); its role bindings go with it.
func (c *Client) DropUser(ctx context.Context, name string) error {
	return c.mutate(ctx, "users/drop", userReq{UserName: name})
}

// GrantRole gives role to user (users/grant_role).
func (c *Client) GrantRole(ctx context.Context, user, role string) error {
	return c.mutate(ctx, "users/grant_role", userRoleReq{UserName: user, RoleName: role})
}

// RevokeRole takes role from user (users/revoke_role).
func (c *Client) RevokeRole(ctx context.Context, user, role string) error {
	return c.mutate(ctx, "users/revoke_role", userRoleReq{UserName: user, RoleName: role})
}

// CreateRole creates role name (roles/create).
func (c *Client) CreateRole(ctx context.Context, name string) error {
	return c.mutate(ctx, "roles/create", roleReq{RoleName: name})
}

// DropRole drops role name (roles/drop). The server refuses while the role has grants.
func (c *Client) DropRole(ctx context.Context, name string) error {
	return c.mutate(ctx, "roles/drop", roleReq{RoleName: name})
}

// GrantPrivilege grants g to role with roles/grant_privilege_v2, or, on a server that
// answered 404 to it, with the v1 roles/grant_privilege. A privilege group cannot be granted
// through v1: that gives a *FeatureError.
func (c *Client) GrantPrivilege(ctx context.Context, role string, g spec.Grant) error {
	return c.operatePrivilege(ctx, true, role, g)
}

// RevokePrivilege revokes g from role, as GrantPrivilege grants it.
func (c *Client) RevokePrivilege(ctx context.Context, role string, g spec.Grant) error {
	return c.operatePrivilege(ctx, false, role, g)
}

func (c *Client) operatePrivilege(ctx context.Context, grant bool, role string, g spec.Grant) error {
	v2, v1 := "roles/grant_privilege_v2", "roles/grant_privilege"
	if !grant {
		v2, v1 = "roles/revoke_privilege_v2", "roles/revoke_privilege"
	}
	// The flag is read inside the slot, and a 404 is recorded before the slot is given back,
	// so that at most Concurrency calls ever find out that v2 is missing.
	release, err := c.acquire(ctx, v2)
	if err != nil {
		return err
	}
	defer release()
	if !c.noGrantV2.Load() {
		body, err := json.Marshal(grantV2Req{RoleName: role, Privilege: g.Privilege, DBName: g.Database, CollectionName: g.Object})
		if err != nil {
			return fmt.Errorf("%s: encode request: %w", v2, err)
		}
		_, err = c.roundTrip(ctx, v2, body, nil)
		if !is404(err) {
			return err
		}
		// A server older than 2.4.18: remember, and use v1 from now on.
		c.noGrantV2.Store(true)
		if c.isGroup(g.Privilege) {
			return groupGrantError(grant, role, g, err)
		}
	} else if c.isGroup(g.Privilege) {
		return groupGrantError(grant, role, g, nil)
	}
	body, err := json.Marshal(grantV1Req{RoleName: role, ObjectType: g.ObjectType, ObjectName: g.Object, Privilege: g.Privilege, DBName: g.Database})
	if err != nil {
		return fmt.Errorf("%s: encode request: %w", v1, err)
	}
	_, err = c.roundTrip(ctx, v1, body, nil)
	return err
}

// isGroup reports whether name is a privilege group as far as the client can tell: a
// built-in group, a custom group Read saw or the client created, or a name the privilege
// catalogue does not know (on a server without grant_privilege_v2, only a custom group can be
// that). The legacy v1 groups ReadOnly, ReadWrite and Admin are privileges to v1.
func (c *Client) isGroup(name string) bool {
	if privilege.IsBuiltinGroup(name) || !privilege.Known(name) {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.groups[name]
}

func groupGrantError(grant bool, role string, g spec.Grant, cause error) error {
	op := fmt.Sprintf("grant privilege group %q on %s to role %q", g.Privilege, g.Target(), role)
	if !grant {
		op = fmt.Sprintf("revoke privilege group %q on %s from role %q", g.Privilege, g.Target(), role)
	}
	return &FeatureError{Op: op, Feature: FeatureGrantV2, Since: sinceGrantV2, Err: cause}
}

// CreatePrivilegeGroup creates the empty custom privilege group name (privilege_groups/create).
func (c *Client) CreatePrivilegeGroup(ctx context.Context, name string) error {
	err := c.groupCall(ctx, "privilege_groups/create", groupReq{Name: name}, fmt.Sprintf("create privilege group %q", name))
	if err == nil {
		c.mu.Lock()
		c.groups[name] = true
		c.mu.Unlock()
	}
	return err
}

// DropPrivilegeGroup drops the custom privilege group name (privilege_groups/drop).
func (c *Client) DropPrivilegeGroup(ctx context.Context, name string) error {
	return c.groupCall(ctx, "privilege_groups/drop", groupReq{Name: name}, fmt.Sprintf("drop privilege group %q", name))
}

// AddPrivilegesToGroup adds privileges to the custom group name
// (privilege_groups/add_privileges_to_group).
func (c *Client) AddPrivilegesToGroup(ctx context.Context, name string, privileges []string) error {
	return c.groupCall(ctx, "privilege_groups/add_privileges_to_group",
		groupPrivilegesReq{Name: name, Privileges: nonNil(privileges)}, fmt.Sprintf("add privileges to group %q", name))
}

// RemovePrivilegesFromGroup removes privileges from the custom group name
// (privilege_groups/remove_privileges_from_group).
func (c *Client) RemovePrivilegesFromGroup(ctx context.Context, name string, privileges []string) error {
	return c.groupCall(ctx, "privilege_groups/remove_privileges_from_group",
		groupPrivilegesReq{Name: name, Privileges: nonNil(privileges)}, fmt.Sprintf("remove privileges from group %q", name))
}

// groupCall makes a privilege_groups/* call, or fails with a *FeatureError without a call
// when the server is known to lack privilege groups.
func (c *Client) groupCall(ctx context.Context, endpoint string, req any, op string) error {
	if c.noGroups.Load() {
		return &FeatureError{Op: op, Feature: FeaturePrivilegeGroups, Since: sincePrivilegeGroups}
	}
	err := c.mutate(ctx, endpoint, req)
	if is404(err) {
		c.noGroups.Store(true)
		return &FeatureError{Op: op, Feature: FeaturePrivilegeGroups, Since: sincePrivilegeGroups, Err: err}
	}
	return err
}

// nonNil sends an empty list as [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
