// Package spectest builds spec.States from a compact notation, for the tests of the packages
// that read states (plan, access, policy). It is test support only: no production code
// imports it.
package spectest

import (
	"strings"

	"github.com/milvus-rbac/milvus-rbac/spec"
)

// State builds a State: users "name:role1,role2", roles "name:Priv@db.obj,...", groups
// "name:Priv,Priv". Grants get the object type Milvus derives; lists are sorted.
func State(users, roles, groups []string) *spec.State {
	s := spec.NewState()
	for _, u := range users {
		name, rs, _ := strings.Cut(u, ":")
		var roles []string
		if rs != "" {
			roles = strings.Split(rs, ",")
		}
		s.Users[name] = &spec.User{Name: name, Roles: spec.SortNames(roles)}
	}
	for _, r := range roles {
		name, gs, _ := strings.Cut(r, ":")
		role := &spec.Role{Name: name}
		if gs != "" {
			for _, g := range strings.Split(gs, ",") {
				priv, target, _ := strings.Cut(g, "@")
				db, obj, _ := strings.Cut(target, ".")
				role.Grants = append(role.Grants, spec.NewGrant(priv, db, obj))
			}
		}
		role.Grants = spec.SortGrants(role.Grants)
		s.Roles[name] = role
	}
	for _, g := range groups {
		name, ps, _ := strings.Cut(g, ":")
		s.Groups[name] = &spec.PrivilegeGroup{Name: name, Privileges: spec.SortNames(strings.Split(ps, ","))}
	}
	return s
}
