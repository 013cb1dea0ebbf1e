package emulator

import (
	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/release"
)

// bindRole binds a RoleReq, with its description on releases that have one.
func (s *Server) bindRole(body []byte) (name, db string, description *string, e *apiError) {
	if s.prof.Has(release.Descriptions) {
		var rq roleReqE3
		e = bind(body, &rq, req("RoleName", &rq.RoleName))
		return rq.RoleName, rq.DbName, rq.Description, e
	}
	var rq roleReq
	e = bind(body, &rq, req("RoleName", &rq.RoleName))
	return rq.RoleName, rq.DbName, nil, e
}

// roles/list: SelectRole{}, SelectOwnership. Every role, built-ins included, in etcd key order.
func (s *Server) listRoles(c *caller, body []byte) (any, *apiError) {
	var rq databaseReq
	if e := bind(body, &rq); e != nil {
		return nil, e
	}
	if e := s.authorize(c, privilege.ObjectGlobal, "SelectOwnership", privilege.Wildcard, c.db(rq.DbName)); e != nil {
		return nil, e
	}
	return list(sortedKeys(s.st.roles)), nil
}

// roles/describe: SelectGrant{role, db_name}, SelectOwnership unless the role is one of the
// caller's (isSelectMyRoleGrants). dbName filters: a grant is listed when its database is the
// requested one or "*", or when "*" is requested.
func (s *Server) describeRole(c *caller, body []byte) (any, *apiError) {
	name, bodyDB, _, e := s.bindRole(body)
	if e != nil {
		return nil, e
	}
	db := c.db(bodyDB)
	if !s.callerHasRole(c, name) {
		if e := s.authorize(c, privilege.ObjectGlobal, "SelectOwnership", privilege.Wildcard, db); e != nil {
			return nil, e
		}
	}
	if e := s.validateRoleName(name); e != nil {
		return nil, e
	}
	r, ok := s.st.roles[name]
	if !ok {
		return nil, s.errRoleNotFound(name)
	}
	var grants []map[string]string
	for _, g := range s.listGrants(r, db) {
		grants = append(grants, map[string]string{
			"objectType": g.objectType,
			"objectName": g.object,
			"privilege":  g.privilege,
			"dbName":     g.db,
			"grantor":    g.grantor,
		})
	}
	out := list(grants)
	if s.prof.Has(release.Descriptions) {
		out["description"] = r.description
	}
	return out, nil
}

// callerHasRole reports whether role is one of the caller's roles, public included.
func (s *Server) callerHasRole(c *caller, role string) bool {
	if s.opts.AuthorizationDisabled {
		return false
	}
	for _, r := range s.callerRoles(c) {
		if r == role {
			return true
		}
	}
	return false
}

// roles/create: CreateRole, CreateOwnership. The name is checked before the limit
// (MetaTable.CreateRole); maxRoleNum counts admin, public and the config built-ins.
func (s *Server) createRole(c *caller, body []byte) (any, *apiError) {
	name, _, description, e := s.bindRole(body)
	if e != nil {
		return nil, e
	}
	if e := s.authorize(c, privilege.ObjectGlobal, "CreateOwnership", privilege.Wildcard, c.db("")); e != nil {
		return nil, e
	}
	if e := s.validateRoleName(name); e != nil {
		return nil, e
	}
	if e := validateDescription("role", description); e != nil {
		return nil, e
	}
	if _, ok := s.st.roles[name]; ok {
		// errors.Newf("role [%s] already exists", entity) prints the RoleEntity in proto text.
		return nil, s.rootcoord("", "role [name:%q] already exists", name)
	}
	if len(s.st.roles) >= s.opts.MaxRoles {
		return nil, s.errLimit("create role", "unable to create role because the number of roles has reached the limit")
	}
	r := &role{grants: map[grantKey]string{}}
	if description != nil {
		r.description = *description
	}
	s.st.roles[name] = r
	return nil, nil
}

// roleToChange binds, authorizes (priv) and validates a request that changes an existing
// role, refusing admin, public and config built-ins (1401) with "can't be <verb>".
func (s *Server) roleToChange(c *caller, body []byte, priv, verb string) (name string, description *string, e *apiError) {
	name, _, description, e = s.bindRole(body)
	if e != nil {
		return "", nil, e
	}
	if e := s.authorize(c, privilege.ObjectGlobal, priv, privilege.Wildcard, c.db("")); e != nil {
		return "", nil, e
	}
	if e := s.validateRoleName(name); e != nil {
		return "", nil, e
	}
	if name == adminRole || name == publicRole {
		return "", nil, notPermitted("the role[%s] is a default role, which can't be %s", name, verb)
	}
	// The source read names only admin and public for alter; config built-in roles "cannot be
	// edited" in Zilliz's words, so they are refused the same way.
	if s.isBuiltinRole(name) {
		return "", nil, notPermitted("the role[%s] is a builtin role, which can't be %s", name, verb)
	}
	return name, description, nil
}

// roles/alter (release.Descriptions only): AlterRole, CreateOwnership; sets the description.
func (s *Server) alterRole(c *caller, body []byte) (any, *apiError) {
	name, description, e := s.roleToChange(c, body, "CreateOwnership", "altered")
	if e != nil {
		return nil, e
	}
	if e := validateDescription("role", description); e != nil {
		return nil, e
	}
	r, ok := s.st.roles[name]
	if !ok {
		return nil, s.errRoleNotFound(name)
	}
	r.description = ""
	if description != nil {
		r.description = *description
	}
	return nil, nil
}

// roles/drop: DropRole (force_drop is not exposed), DropOwnership. admin, public and config
// built-ins are refused (1401); a role that does not exist or that still has a grant in any
// database is an error; the role's user mappings go with it.
func (s *Server) dropRole(c *caller, body []byte) (any, *apiError) {
	name, _, e := s.roleToChange(c, body, "DropOwnership", "dropped")
	if e != nil {
		return nil, e
	}
	r, ok := s.st.roles[name]
	if !ok {
		return nil, s.errRoleNotFound(name)
	}
	if len(s.listGrants(r, privilege.Wildcard)) > 0 {
		return nil, s.rootcoord("failed to check if drop role: ", "fail to drop the role that it has privileges. Use REVOKE API to revoke privileges")
	}
	delete(s.st.roles, name)
	for _, u := range s.st.users {
		delete(u.roles, name)
	}
	return nil, nil
}
