package emulator

import (
	"strings"

	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/release"
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
			infos = append(infos, privilegeGroupInfo{name, strings.Join(s.builtinMembers(name), ",")})
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
// custom one and every privilege must be defined or be a custom group. Adding must leave the
// group's members alike: of one object type on 2.4.18 to 2.5.3 (root_coord.go
// OperatePrivilegeGroup, "privileges are not the same object type", release.GroupTypeCheck), of
// one privilege level from 2.5.4 (rbac_task.go, release.GroupLevelCheck); 2.4.16 and 2.4.17
// check neither. "All" and custom group names belong to no
// level (util.GetPrivilegeLevel answers ""), so beside any member that has one they fail the
// level check.
//
// Before the WAL (release.WALErrors) that check runs first, in a redo step of its own, as a
// plain error (65535), and only when the group exists; MetaTable.OperatePrivilegeGroup then
// checks the group and the names (1100), and an empty list is accepted. From 2.6.5
// MetaTable.CheckIfPrivilegeGroupAlterable checks the group, refuses an empty list, checks the
// names and then the level, all with merr.WrapErrParameterInvalidMsg (1100).
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
		if e := s.validatePrivilege(p); e != nil {
			return nil, e
		}
	}
	g, ok := s.st.groups[name]
	wal := s.prof.Has(release.WALErrors)
	if !wal && ok && add {
		if msg := s.mixedMembers(g.members, rq.Privileges); msg != "" {
			return nil, s.rootcoord("", "%s", msg)
		}
	}
	if !ok {
		if !wal {
			return nil, invalid("there is no privilege group name [%s] to operate", name)
		}
		return nil, invalid("there is no privilege group name [%s] defined in system to operate", name)
	}
	if wal && len(rq.Privileges) == 0 {
		return nil, invalid("privileges is empty when alter the privilege group")
	}
	for _, p := range rq.Privileges {
		if _, custom := s.st.groups[p]; !custom && !s.privilegeDefined(p) {
			return nil, invalid("there is no privilege name or privilege group name [%s] defined in system to operate", p)
		}
	}
	if wal && add {
		if msg := s.mixedMembers(g.members, rq.Privileges); msg != "" {
			return nil, invalid("%s", msg)
		}
	}
	set := map[string]bool{}
	for _, m := range g.members {
		set[m] = true
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

// mixedMembers returns the release's refusal of a group that would hold members and added
// together, or "" when they are alike.
func (s *Server) mixedMembers(members, added []string) string {
	if !s.prof.Has(release.GroupLevelCheck) && !s.prof.Has(release.GroupTypeCheck) {
		return "" // 2.4.16 and 2.4.17
	}
	kinds := map[string]bool{}
	for _, p := range append(append([]string{}, members...), added...) {
		if s.prof.Has(release.GroupLevelCheck) {
			kinds[privilege.LevelOf(p).String()] = true
		} else {
			kinds[privilege.ObjectType(p)] = true
		}
	}
	if len(kinds) <= 1 {
		return ""
	}
	if s.prof.Has(release.GroupLevelCheck) {
		return "privileges are not the same privilege level"
	}
	return "privileges are not the same object type"
}
