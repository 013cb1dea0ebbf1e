package milvus

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// Request bodies of the mutations (request_v2.go). Field order is the order on the wire.
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

// mutateSettled is mutate for a create or roles/drop: after an ambiguous attempt, an answer
// that is(err) is success when listEndpoint shows name present (want) or gone (!want).
func (c *Client) mutateSettled(ctx context.Context, endpoint string, req any, listEndpoint, name string, want bool, is func(error) bool, secrets ...string) error {
	settle := func(ctx context.Context, err error) bool {
		if !is(err) {
			return false
		}
		has, lerr := c.lists(ctx, listEndpoint, name)
		return lerr == nil && has == want
	}
	_, err := c.callSettled(ctx, endpoint, req, settle, secrets...)
	return err
}

// lists reports whether the list of endpoint (users/list, roles/list or
// privilege_groups/list) holds name. It is called within the caller's slot.
func (c *Client) lists(ctx context.Context, endpoint, name string) (bool, error) {
	data, err := c.send(ctx, endpoint, []byte("{}"), nil, nil)
	if err != nil {
		return false, err
	}
	if endpoint == endpointListGroups {
		groups, err := parseGroups(data)
		if err != nil {
			return false, err
		}
		_, ok := groups[name]
		return ok, nil
	}
	names, err := parseNames(endpoint, data)
	if err != nil {
		return false, err
	}
	return slices.Contains(names, name), nil
}

// CreateUser creates user name with password (users/create). The password goes only into the
// request body, and is scrubbed from any server message kept in an error. When an attempt
// was ambiguous and a retry answers "already exists", the user counts as created if
// users/list lists it (its password cannot be read back; the attempt that created it sent
// this one).
func (c *Client) CreateUser(ctx context.Context, name, password string) error {
	return c.mutateSettled(ctx, "users/create", passwordReq{UserName: name, Password: password},
		"users/list", name, true, IsAlreadyExists, password)
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

// CreateRole creates role name (roles/create). An "already exists" answer after an ambiguous
// attempt is settled by roles/list, as for CreateUser.
func (c *Client) CreateRole(ctx context.Context, name string) error {
	return c.mutateSettled(ctx, "roles/create", roleReq{RoleName: name}, "roles/list", name, true, IsAlreadyExists)
}

// DropRole drops role name (roles/drop). The server refuses while the role has grants. Unlike
// the other drops it is not idempotent (an absent role is an error), so a "not found" answer
// after an ambiguous attempt is settled by roles/list no longer listing the role.
func (c *Client) DropRole(ctx context.Context, name string) error {
	return c.mutateSettled(ctx, "roles/drop", roleReq{RoleName: name}, "roles/list", name, false, IsNotFound)
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
	// The v1 groups ReadOnly, ReadWrite and Admin exist only in the v1 API: always v1.
	legacy := privilege.IsLegacyGroup(g.Privilege)
	if !legacy && !c.noGrantV2.Load() {
		body, err := json.Marshal(grantV2Req{RoleName: role, Privilege: g.Privilege, DBName: g.Database, CollectionName: g.Object})
		if err != nil {
			return fmt.Errorf("%s: encode request: %w", v2, err)
		}
		_, err = c.send(ctx, v2, body, nil, nil)
		if !is404(err) {
			return err
		}
		// A server older than 2.4.18: remember, and use v1 from now on.
		c.noGrantV2.Store(true)
		if c.isGroup(g.Privilege) {
			return groupGrantError(grant, role, g, err)
		}
	} else if !legacy && c.isGroup(g.Privilege) {
		return groupGrantError(grant, role, g, nil)
	}
	if !legacy && g.ObjectType == privilege.ObjectGlobal && g.Object != privilege.Wildcard {
		// v1 stores a Global privilege on "*" whatever object it is given: it would grant more
		// than the file says, and the next plan would revoke it again, forever.
		op := fmt.Sprintf("grant %s to role %q", g, role)
		if !grant {
			op = fmt.Sprintf("revoke %s from role %q", g, role)
		}
		return &FeatureError{Op: op + " (a Global privilege on one collection)", Feature: FeatureGrantV2, Since: sinceGrantV2}
	}
	body, err := json.Marshal(grantV1Req{RoleName: role, ObjectType: g.ObjectType, ObjectName: g.Object, Privilege: g.Privilege, DBName: g.Database})
	if err != nil {
		return fmt.Errorf("%s: encode request: %w", v1, err)
	}
	_, err = c.send(ctx, v1, body, nil, nil)
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
// An "already exists" answer after an ambiguous attempt is settled by privilege_groups/list,
// as for CreateUser.
func (c *Client) CreatePrivilegeGroup(ctx context.Context, name string) error {
	op := fmt.Sprintf("create privilege group %q", name)
	if c.noGroups.Load() {
		return &FeatureError{Op: op, Feature: FeaturePrivilegeGroups, Since: sincePrivilegeGroups}
	}
	err := c.mutateSettled(ctx, "privilege_groups/create", groupReq{Name: name}, endpointListGroups, name, true, IsAlreadyExists)
	if is404(err) {
		c.noGroups.Store(true)
		err = &FeatureError{Op: op, Feature: FeaturePrivilegeGroups, Since: sincePrivilegeGroups, Err: err}
	}
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
