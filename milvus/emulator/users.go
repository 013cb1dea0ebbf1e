package emulator

import (
	"sort"
	"strings"

	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/release"
)

// users/list: ListCredUsers, SelectOwnership. Every user, root included, in etcd key order.
func (s *Server) listUsers(c *caller, body []byte) (any, *apiError) {
	var rq databaseReq
	if e := bind(body, &rq); e != nil {
		return nil, e
	}
	if e := s.authorize(c, privilege.ObjectGlobal, "SelectOwnership", privilege.Wildcard, c.db(rq.DbName)); e != nil {
		return nil, e
	}
	return list(sortedKeys(s.st.users)), nil
}

// users/describe: SelectUser{include_role_info}, User/SelectUser on the user (yourself
// allowed). A user that does not exist looks like a user without roles: data [].
func (s *Server) describeUser(c *caller, body []byte) (any, *apiError) {
	var rq userReq
	if e := bind(body, &rq, req("UserName", &rq.UserName)); e != nil {
		return nil, e
	}
	if e := s.authorize(c, privilege.ObjectUser, "SelectUser", rq.UserName, c.db("")); e != nil {
		return nil, e
	}
	if e := s.validateUsername(rq.UserName); e != nil {
		return nil, e
	}
	roles := s.userRoles(rq.UserName)
	description := ""
	if u, ok := s.st.users[rq.UserName]; ok {
		description = u.description
	}
	out := list(roles)
	if s.prof.Has(release.Descriptions) {
		out["description"] = description
	}
	return out, nil
}

// userRoles is what the catalog's getRolesByUsername answers for name: the role of each
// role-mapping key "<user>/<role>" under the user's prefix, in etcd key order (bytewise).
//
// Releases without release.ExactUserRoleLookup load the keys by the bare prefix "<name>" (no
// trailing "/"), so they also meet the keys of every user whose name starts with name
// ("app_ingest/r2" for "app"); typeutil.After finds no "<name>/" in those, returns "", and the
// "" passes the length check and is appended: one empty role name per such key (milvus#46676,
// kv_catalog.go getRolesByUsername). A user that does not exist gets the same "" entries.
// Releases with the exact lookup meet only the user's own keys. Callers hold s.mu.
func (s *Server) userRoles(name string) []string {
	var keys []string
	for userName, u := range s.st.users {
		if userName != name && (s.prof.Has(release.ExactUserRoleLookup) || !strings.HasPrefix(userName, name)) {
			continue
		}
		for r := range u.roles {
			keys = append(keys, userName+"/"+r)
		}
		if !s.prof.Has(release.EmptyGrantKeysSkipped) {
			// Leftover keys "<user>/" (PlantRoleMappingKey) give "" until #50544 skips them.
			for range u.leftoverMappings {
				keys = append(keys, userName+"/")
			}
		}
	}
	sort.Strings(keys)
	var roles []string
	for _, k := range keys {
		role, own := strings.CutPrefix(k, name+"/")
		if !own {
			role = ""
		}
		roles = append(roles, role)
	}
	return roles
}

// users/create: CreateCredential, CreateOwnership.
func (s *Server) createUser(c *caller, body []byte) (any, *apiError) {
	var name, password string
	var description *string
	if s.prof.Has(release.Descriptions) {
		var rq passwordReqE3
		if e := bind(body, &rq, req("UserName", &rq.UserName), req("Password", &rq.Password)); e != nil {
			return nil, e
		}
		name, password, description = rq.UserName, rq.Password, rq.Description
	} else {
		var rq passwordReq
		if e := bind(body, &rq, req("UserName", &rq.UserName), req("Password", &rq.Password)); e != nil {
			return nil, e
		}
		name, password = rq.UserName, rq.Password
	}
	if e := s.authorize(c, privilege.ObjectGlobal, "CreateOwnership", privilege.Wildcard, c.db("")); e != nil {
		return nil, e
	}
	if e := s.validateUsername(name); e != nil {
		return nil, e
	}
	if e := validatePassword(password); e != nil {
		return nil, e
	}
	if e := validateDescription("user", description); e != nil {
		return nil, e
	}
	// 2.4 and 2.5 (MetaTable.AddCredential) check the limit before the name; the WAL releases
	// (MetaTable.CheckIfAddCredential, 2.6.5 on) check the name first.
	full := len(s.st.users) >= s.opts.MaxUsers
	if full && !s.prof.Has(release.WALErrors) {
		return nil, s.errLimit("add credential", "unable to add user because the number of users has reached the limit")
	}
	if _, ok := s.st.users[name]; ok {
		if s.era() == release.E3 {
			return nil, invalid("user already exists: %s", name)
		}
		return nil, fail(codeUnexpected, "user already exists: %s", name)
	}
	if full {
		return nil, s.errLimit("add credential", "unable to add user because the number of users has reached the limit")
	}
	u := &user{pwHash: hashPassword(name, password), roles: map[string]bool{}}
	if description != nil {
		u.description = *description
	}
	s.st.users[name] = u
	return nil, nil
}

// users/update_password: UpdateCredential, User/UpdateUser on the user (yourself allowed). The
// old password must be right unless the caller is a superuser. E3 also takes a description and
// makes both passwords optional: without newPassword only the description changes.
func (s *Server) updatePassword(c *caller, body []byte) (any, *apiError) {
	var name, oldPassword, newPassword string
	var description *string
	if s.prof.Has(release.Descriptions) {
		var rq newPasswordReqE3
		if e := bind(body, &rq, req("UserName", &rq.UserName)); e != nil {
			return nil, e
		}
		name, oldPassword, newPassword, description = rq.UserName, rq.Password, rq.NewPassword, rq.Description
	} else {
		var rq newPasswordReq
		if e := bind(body, &rq, req("UserName", &rq.UserName), req("Password", &rq.Password), req("NewPassword", &rq.NewPassword)); e != nil {
			return nil, e
		}
		name, oldPassword, newPassword = rq.UserName, rq.Password, rq.NewPassword
	}
	if e := s.authorize(c, privilege.ObjectUser, "UpdateUser", name, c.db("")); e != nil {
		return nil, e
	}
	if e := validateDescription("user", description); e != nil {
		return nil, e
	}
	u, exists := s.st.users[name]
	if newPassword == "" { // E3 only: binding let it through
		if description == nil {
			// The source read does not say what E3 answers to an update with nothing to update;
			// an error is the safer guess for a client.
			return nil, invalid("newPassword and description are both empty for user %s", name)
		}
		if !exists {
			return nil, invalid("user %q not found", name)
		}
		u.description = *description
		return nil, nil
	}
	if e := validatePassword(newPassword); e != nil {
		return nil, e
	}
	if !s.isSuperUser(c.user) && (!exists || !u.passwordIs(name, oldPassword)) {
		return nil, fail(codeNotAuthenticated, "old password not correct for %s: not authenticated", name)
	}
	if !exists {
		// Only a superuser gets here. The source read is silent; the newest era checks that the
		// user exists, so the emulator refuses instead of creating the user.
		if s.era() == release.E3 {
			return nil, invalid("user %q not found", name)
		}
		return nil, fail(codeUnexpected, "not found the user, maybe the user isn't existed or internal system error")
	}
	u.pwHash = hashPassword(name, newPassword)
	if description != nil {
		u.description = *description
	}
	return nil, nil
}

// users/drop: DeleteCredential, DropOwnership. root cannot be dropped (1401); a user that does
// not exist is dropped successfully; the user's role mappings go with it.
func (s *Server) dropUser(c *caller, body []byte) (any, *apiError) {
	var rq userReq
	if e := bind(body, &rq, req("UserName", &rq.UserName)); e != nil {
		return nil, e
	}
	if e := s.authorize(c, privilege.ObjectGlobal, "DropOwnership", privilege.Wildcard, c.db("")); e != nil {
		return nil, e
	}
	if rq.UserName == rootUser {
		return nil, notPermitted("root user cannot be deleted")
	}
	delete(s.st.users, rq.UserName)
	return nil, nil
}

// users/grant_role: OperateUserRole(AddUserToRole), ManageOwnership. Role and user must exist;
// granting twice succeeds.
func (s *Server) grantRole(c *caller, body []byte) (any, *apiError) {
	return s.operateUserRole(c, body, true)
}

// users/revoke_role: OperateUserRole(RemoveUserFromRole), ManageOwnership. The role must exist;
// the user is not checked, and revoking what is not granted succeeds.
func (s *Server) revokeRole(c *caller, body []byte) (any, *apiError) {
	return s.operateUserRole(c, body, false)
}

func (s *Server) operateUserRole(c *caller, body []byte, add bool) (any, *apiError) {
	var rq userRoleReq
	if e := bind(body, &rq, req("UserName", &rq.UserName), req("RoleName", &rq.RoleName)); e != nil {
		return nil, e
	}
	if e := s.authorize(c, privilege.ObjectGlobal, "ManageOwnership", privilege.Wildcard, c.db("")); e != nil {
		return nil, e
	}
	if e := s.validateUsername(rq.UserName); e != nil {
		return nil, e
	}
	if e := s.validateRoleName(rq.RoleName); e != nil {
		return nil, e
	}
	if _, ok := s.st.roles[rq.RoleName]; !ok {
		return nil, s.errRoleNotFound(rq.RoleName)
	}
	u, ok := s.st.users[rq.UserName]
	if add {
		if !ok {
			return nil, s.errUserNotFound(rq.UserName)
		}
		u.roles[rq.RoleName] = true
	} else if ok {
		delete(u.roles, rq.RoleName)
	}
	return nil, nil
}
