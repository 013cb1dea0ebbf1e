package emulator

import (
	"strings"

	"github.com/milvus-rbac/milvus-rbac/privilege"
)

func (s *Server) bindGroup(body []byte) (privilegeGroupReq, *apiError) {
	var rq privilegeGroupReq
	e := bind(body, &rq, req("PrivilegeGroupName", &rq.PrivilegeGroupName))
	return rq, e
}

// privilege_groups/create: CreatePrivilegeGroup. The group starts empty (privileges in the
// request are ignored). A name used by a custom group, a privilege or a built-in group is
// refused with 1100.
func (s *Server) createGroup(c *caller, body []byte) (any, *apiError) {
	rq, e := s.bindGroup(body)
	if e != nil {
		return nil, e
	}
	if e := s.authorize(c, privilege.ObjectGlobal, "CreatePrivilegeGroup", privilege.Wildcard, c.db("")); e != nil {
		return nil, e
	}
	name := rq.PrivilegeGroupName
	if e := validatePrivilegeGroupName(name); e != nil {
		return nil, e
	}
	if _, ok := s.st.groups[name]; ok {
		return nil, invalid("privilege group name [%s] is defined by users", name)
	}
	if privilege.Known(name) {
		return nil, invalid("privilege group name [%s] is defined by built in privileges or privilege groups in system", name)
	}
	s.st.groups[name] = &group{members: []string{}}
	return nil, nil
}

// privilege_groups/drop: DropPrivilegeGroup. A name that is not a custom group is dropped
// successfully (errNotCustomPrivilegeGroup becomes success); a group still granted to a role is
// an error.
func (s *Server) dropGroup(c *caller, body []byte) (any, *apiError) {
	rq, e := s.bindGroup(body)
	if e != nil {
		return nil, e
	}
	if e := s.authorize(c, privilege.ObjectGlobal, "DropPrivilegeGroup", privilege.Wildcard, c.db("")); e != nil {
		return nil, e
	}
	name := rq.PrivilegeGroupName
	if e := validatePrivilegeGroupName(name); e != nil {
		return nil, e
	}
	if _, ok := s.st.groups[name]; !ok {
		return nil, nil
	}
	for _, roleName := range sortedKeys(s.st.roles) {
		for k := range s.st.roles[roleName].grants {
			if k.privilege == name {
				return nil, s.rootcoord("", "privilege group [%s] is used by role [%s], Use REVOKE API to revoke it first", name, roleName)
			}
		}
	}
	delete(s.st.groups, name)
	return nil, nil
}

// privilegeGroupInfo is one entry of privilege_groups/list.
type privilegeGroupInfo struct {
	PrivilegeGroupName string `json:"privilegeGroupName"`
	Privileges         string `json:"privileges"`
}

// privilege_groups/list: ListPrivilegeGroups. Custom groups first (etcd key order, members in
// the order the server stored them: random), then the nine built-ins that rootcoord appends
// (members sorted here; the server uses its config order). data is an object and privileges a
// comma-joined string.
func (s *Server) listGroups(c *caller, body []byte) (any, *apiError) {
	var rq databaseReq
	if e := bind(body, &rq); e != nil {
		return nil, e
	}
	if e := s.authorize(c, privilege.ObjectGlobal, "ListPrivilegeGroups", privilege.Wildcard, c.db(rq.DbName)); e != nil {
		return nil, e
	}
	infos := []privilegeGroupInfo{}
	for _, name := range sortedKeys(s.st.groups) {
		infos = append(infos, privilegeGroupInfo{name, strings.Join(s.st.groups[name].members, ",")})
	}
	if s.builtinGroupsExist() {
		for _, name := range privilege.BuiltinGroups {
			infos = append(infos, privilegeGroupInfo{name, strings.Join(privilege.Members(name, s.opts.GroupVersion), ",")})
		}
	}
	return map[string]any{"code": 0, "data": map[string]any{"privilegeGroups": infos}}, nil
}

// privilege_groups/add_privileges_to_group: OperatePrivilegeGroup(Add).
func (s *Server) addToGroup(c *caller, body []byte) (any, *apiError) {
	return s.operateGroup(c, body, true)
}

// privilege_groups/remove_privileges_from_group: OperatePrivilegeGroup(Remove).
func (s *Server) removeFromGroup(c *caller, body []byte) (any, *apiError) {
	return s.operateGroup(c, body, false)
}

// operateGroup changes the members of a custom group with set semantics. The group must be a
// custom one (built-in groups are refused) and every privilege must be defined or be a custom
// group. From E2 on (CheckIfPrivilegeGroupAlterable, found in the 2.6 WAL-era source) an empty
// list is refused, and adding must leave the group at one privilege level. The contract has the
// level rule for E3 and leaves ≤2.5 unconfirmed, so E1 does not apply it.
func (s *Server) operateGroup(c *caller, body []byte, add bool) (any, *apiError) {
	rq, e := s.bindGroup(body)
	if e != nil {
		return nil, e
	}
	if e := s.authorize(c, privilege.ObjectGlobal, "OperatePrivilegeGroup", privilege.Wildcard, c.db("")); e != nil {
		return nil, e
	}
	name := rq.PrivilegeGroupName
	if e := validatePrivilegeGroupName(name); e != nil {
		return nil, e
	}
	for _, p := range rq.Privileges {
		if e := validatePrivilege(p); e != nil {
			return nil, e
		}
	}
	g, ok := s.st.groups[name]
	if !ok {
		if s.opts.Era == E1 {
			return nil, invalid("there is no privilege group name [%s] to operate", name)
		}
		return nil, invalid("there is no privilege group name [%s] defined in system to operate", name)
	}
	if s.opts.Era != E1 && len(rq.Privileges) == 0 {
		return nil, invalid("privileges is empty when alter the privilege group")
	}
	for _, p := range rq.Privileges {
		if _, custom := s.st.groups[p]; !custom && !s.privilegeDefined(p) {
			return nil, invalid("there is no privilege name or privilege group name [%s] defined in system to operate", p)
		}
	}
	set := map[string]bool{}
	for _, m := range g.members {
		set[m] = true
	}
	if add && s.opts.Era != E1 {
		levels := map[privilege.Level]bool{}
		for _, p := range append(append([]string{}, g.members...), rq.Privileges...) {
			levels[privilege.LevelOf(p)] = true
		}
		if len(levels) > 1 {
			return nil, invalid("privileges are not the same privilege level")
		}
	}
	for _, p := range rq.Privileges {
		if add {
			set[p] = true
		} else {
			delete(set, p)
		}
	}
	s.setMembers(g, set)
	return nil, nil
}
