package plan

import (
	"github.com/milvus-rbac/milvus-rbac/access"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// AccessModels returns the effective-access models of live before and after p ran (Simulate),
// for the users whose access p may change and for the users named in also (the connecting
// user): the others' access is the same on both sides, and modelling 5,000 users costs seconds.
// Their Delta is the plan's access delta; LostOperatorNeeds on them is the lockout rule.
func AccessModels(live *spec.State, p *Plan, opts access.Options, also ...string) (before, after *access.Model) {
	next := Simulate(live, p)
	users := touchedUsers(live, next, p)
	for _, u := range also {
		users[u] = true
	}
	return access.Compute(access.OnlyUsers(live, users), opts), access.Compute(access.OnlyUsers(next, users), opts)
}

// touchedUsers are the users whose access p may change: those its steps name, those holding
// (before or after) a role it changes, and those holding a role granted a group it changes.
func touchedUsers(before, after *spec.State, p *Plan) map[string]bool {
	users, roles, groups := map[string]bool{}, map[string]bool{}, map[string]bool{}
	named := map[ObjectKind]map[string]bool{ObjectGroup: groups, ObjectRole: roles, ObjectUser: users}
	for _, st := range p.Steps {
		if kind, name := st.Object(); named[kind] != nil {
			named[kind][name] = true
		}
	}
	for _, s := range []*spec.State{before, after} {
		for name, r := range s.Roles {
			for _, g := range r.Grants {
				if groups[g.Privilege] {
					roles[name] = true
				}
			}
		}
	}
	for _, s := range []*spec.State{before, after} {
		for name, u := range s.Users {
			for _, r := range u.Roles {
				if roles[r] {
					users[name] = true
				}
			}
		}
	}
	return users
}
