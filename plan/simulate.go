package plan

import (
	"slices"

	"github.com/milvus-rbac/milvus-rbac/spec"
)

// Simulate returns the state live would be in after p ran in full, as the server reports state:
// Load and Flush bring their companion grants, dropping a role takes it from its users.
// Blocked steps do not run. live is not changed. The access delta of a plan and the lockout
// check read the state after from here, without touching a cluster.
func Simulate(live *spec.State, p *Plan) *spec.State {
	s := clone(live)
	for _, st := range p.Steps {
		if st.Blocked != "" {
			continue
		}
		switch st.Action {
		case CreatePrivilegeGroup:
			s.Groups[st.Group] = &spec.PrivilegeGroup{Name: st.Group}
		case AddPrivilegesToGroup:
			if g := s.Groups[st.Group]; g != nil {
				g.Privileges = spec.SortNames(append(minus(g.Privileges, st.Replace), st.Privileges...))
			}
		case RemovePrivilegesFromGroup:
			if g := s.Groups[st.Group]; g != nil {
				g.Privileges = minus(g.Privileges, st.Privileges)
			}
		case DropPrivilegeGroup:
			delete(s.Groups, st.Group)
		case CreateRole:
			s.Roles[st.Role] = &spec.Role{Name: st.Role, Description: st.NewDescription}
		case AlterRole:
			if r := s.Roles[st.Role]; r != nil {
				r.Description = st.NewDescription
			}
		case UpdateUserDescription:
			if u := s.Users[st.User]; u != nil {
				u.Description = st.NewDescription
			}
		case GrantPrivilege:
			if r := s.Roles[st.Role]; r != nil {
				r.Grants = spec.SortGrants(append(append(r.Grants, *st.Grant), companions(*st.Grant)...))
			}
		case RevokePrivilege:
			if r := s.Roles[st.Role]; r != nil {
				gone := set(append([]spec.Grant{*st.Grant}, companions(*st.Grant)...))
				r.Grants = slices.DeleteFunc(r.Grants, func(g spec.Grant) bool { return gone[g] })
				for _, k := range st.Keep {
					r.Grants = append(r.Grants, spec.NewGrant(k, st.Grant.Database, st.Grant.Object))
				}
				r.Grants = spec.SortGrants(r.Grants)
			}
		case DropRole:
			delete(s.Roles, st.Role)
			for _, u := range s.Users {
				u.Roles = minus(u.Roles, []string{st.Role})
			}
		case CreateUser:
			s.Users[st.User] = &spec.User{Name: st.User, Description: st.NewDescription}
		case GrantRole:
			if u := s.Users[st.User]; u != nil {
				u.Roles = spec.SortNames(append(u.Roles, st.Role))
			}
		case RevokeRole:
			if u := s.Users[st.User]; u != nil {
				u.Roles = minus(u.Roles, []string{st.Role})
			}
		case DropUser:
			delete(s.Users, st.User)
		}
	}
	return s
}

// clone deep-copies a state.
func clone(s *spec.State) *spec.State {
	out := spec.NewState()
	for n, u := range s.Users {
		out.Users[n] = &spec.User{Name: u.Name, Description: u.Description, Roles: slices.Clone(u.Roles), Password: u.Password, PreviousPassword: u.PreviousPassword}
	}
	for n, r := range s.Roles {
		out.Roles[n] = &spec.Role{Name: r.Name, Description: r.Description, Grants: slices.Clone(r.Grants)}
	}
	for n, g := range s.Groups {
		out.Groups[n] = &spec.PrivilegeGroup{Name: g.Name, Description: g.Description, Privileges: slices.Clone(g.Privileges)}
	}
	return out
}
