package policy

import (
	"fmt"
	"slices"

	"github.com/milvus-rbac/milvus-rbac/access"
	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// Violation is one way a state breaks a rule.
type Violation struct {
	// Rule is the rule's label; Line its line in the policy file.
	Rule string `json:"rule"`
	Line int    `json:"line"`
	// User is the user who holds what the rule forbids (user rules).
	User string `json:"user,omitempty"`
	// Role is the role that holds it (role rules); Users are the users who hold that role.
	Role  string   `json:"role,omitempty"`
	Users []string `json:"users,omitempty"`
	// Privilege is the privilege, group or name the violation is about.
	Privilege string `json:"privilege,omitempty"`
	// Database and Collection are where, as the rule names them ("*": any).
	Database   string `json:"database,omitempty"`
	Collection string `json:"collection,omitempty"`
	// Paths are how the user or role comes to hold it.
	Paths []access.Path `json:"paths,omitempty"`
	// Message says what is wrong, for people.
	Message string `json:"message"`
	// Uncertain is true when the model cannot tell (a role the state does not describe):
	// the violation is reported but does not fail the check.
	Uncertain bool `json:"uncertain,omitempty"`
}

// Check checks the state s, whose access model is m (access.Compute(s, ...)), against p and
// returns every violation, in the order of the rules, then by user or role, then privilege.
// The user root is exempt from every rule: Milvus creates it, no plan changes it, and it
// passes every check by design.
func Check(m *access.Model, s *spec.State, p *Policy) []Violation {
	var out []Violation
	for _, r := range p.Rules {
		if !r.Enabled {
			continue
		}
		switch r.Kind {
		case KindDeny:
			out = append(out, checkDeny(m, s, r)...)
		case KindDenyGrant:
			out = append(out, checkDenyGrant(m, s, r)...)
		case KindForbidClusterGroups:
			out = append(out, checkClusterGroups(s, r)...)
		case KindRequireRole:
			out = append(out, checkRequireRole(m, r)...)
		case KindDenyEscalation:
			out = append(out, checkEscalation(m, r)...)
		}
	}
	return out
}

// Failed reports whether vs holds a violation that is not uncertain.
func Failed(vs []Violation) bool {
	return slices.ContainsFunc(vs, func(v Violation) bool { return !v.Uncertain })
}

// exempt reports whether user is outside a rule: root, listed, or holding a listed role.
func exempt(m *access.Model, user string, e Except) bool {
	if user == spec.RootUser || slices.Contains(e.Users, user) {
		return true
	}
	for _, r := range m.Roles(user) {
		if slices.Contains(e.Roles, r) {
			return true
		}
	}
	return false
}

// where renders a rule's database and collection: "database prod", "prod.orders", "any
// database".
func where(db, coll string) string {
	switch {
	case db == privilege.Wildcard && coll == "":
		return "in any database"
	case coll == "":
		return "in database " + db
	}
	return "on " + db + "." + coll
}

func checkDeny(m *access.Model, _ *spec.State, r Rule) []Violation {
	var out []Violation
	for _, u := range m.Users() {
		if exempt(m, u, r.Deny.Except) {
			continue
		}
		for _, priv := range r.Deny.Names() {
			ok, paths := m.Can(u, priv, r.Deny.Database, r.Deny.Collection)
			if !ok && len(paths) == 0 {
				continue
			}
			v := Violation{Rule: r.Label(), Line: r.Line, User: u, Privilege: priv,
				Database: r.Deny.Database, Collection: r.Deny.Collection, Paths: paths}
			if ok {
				v.Message = fmt.Sprintf("user %s holds %s %s", u, priv, where(r.Deny.Database, r.Deny.Collection))
			} else {
				v.Uncertain = true
				v.Message = fmt.Sprintf("cannot tell whether user %s holds %s %s", u, priv, where(r.Deny.Database, r.Deny.Collection))
			}
			out = append(out, v)
		}
	}
	return out
}

// holders returns the users who hold role, sorted.
func holders(m *access.Model, role string) []string {
	var out []string
	for _, u := range m.Users() {
		if slices.Contains(m.Roles(u), role) {
			out = append(out, u)
		}
	}
	return out
}

// grantName reports whether a deny_grant name is matched against grants by name (a group,
// the wildcard, All) rather than by effective access (a single privilege).
func grantName(s *spec.State, name string) bool {
	return name == privilege.Wildcard || name == "All" || privilege.IsBuiltinGroup(name) ||
		privilege.IsLegacyGroup(name) || s.Groups[name] != nil
}

// covers reports whether a grant on db (and object) reaches the rule's database and
// collection: equal, or "*" on either side.
func covers(grantDB, grantObj, db, coll string) bool {
	dbOK := grantDB == privilege.Wildcard || db == privilege.Wildcard || grantDB == db
	collOK := coll == "" || grantObj == privilege.Wildcard || grantObj == coll
	return dbOK && collOK
}

func checkDenyGrant(m *access.Model, s *spec.State, r Rule) []Violation {
	// admin counts only when a user holds it, whether the state comes from a file (which
	// never lists admin) or from a cluster (which always has it): the built-in role itself
	// grants nothing to anybody.
	var roles []string
	for _, name := range s.RoleNames() {
		if name != spec.AdminRole {
			roles = append(roles, name)
		}
	}
	if len(holders(m, spec.AdminRole)) > 0 {
		roles = append(roles, spec.AdminRole)
	}
	var out []Violation
	for _, name := range r.Deny.Names() {
		if !privilege.Known(name) && s.Groups[name] == nil {
			out = append(out, Violation{Rule: r.Label(), Line: r.Line, Privilege: name,
				Message: fmt.Sprintf("%q is neither a privilege nor a privilege group of the state: check the rule's spelling", name)})
			continue
		}
		for _, role := range roles {
			if slices.Contains(r.Deny.Roles, role) {
				continue
			}
			var paths []access.Path
			if grantName(s, name) {
				if sr := s.Roles[role]; sr != nil {
					for _, g := range sr.Grants {
						if g.Privilege == name && covers(g.Database, g.Object, r.Deny.Database, r.Deny.Collection) {
							paths = append(paths, access.Path{Kind: access.PathGrant, Role: role, Grant: &g})
						}
					}
				}
			} else {
				_, paths = m.RoleCan(role, name, r.Deny.Database, r.Deny.Collection)
			}
			if len(paths) == 0 {
				continue
			}
			verb := "holds"
			if grantName(s, name) {
				verb = "is granted"
			}
			out = append(out, Violation{Rule: r.Label(), Line: r.Line, Role: role, Users: holders(m, role), Privilege: name,
				Database: r.Deny.Database, Collection: r.Deny.Collection, Paths: paths,
				Message: fmt.Sprintf("role %s %s %s %s", role, verb, name, where(r.Deny.Database, r.Deny.Collection))})
		}
	}
	return out
}

func checkClusterGroups(s *spec.State, r Rule) []Violation {
	var out []Violation
	for _, role := range s.RoleNames() {
		for _, g := range s.Roles[role].Grants {
			isGroup := privilege.IsBuiltinGroup(g.Privilege) || s.Groups[g.Privilege] != nil
			if !isGroup || s.LevelOf(g.Privilege) != privilege.LevelCluster {
				continue
			}
			kind := "built-in"
			if s.Groups[g.Privilege] != nil {
				kind = "custom"
			}
			out = append(out, Violation{Rule: r.Label(), Line: r.Line, Role: role, Privilege: g.Privilege,
				Paths:   []access.Path{{Kind: access.PathGrant, Role: role, Grant: &g}},
				Message: fmt.Sprintf("role %s is granted %s, a cluster-level %s privilege group", role, g.Privilege, kind)})
		}
	}
	return out
}

func checkRequireRole(m *access.Model, r Rule) []Violation {
	var out []Violation
	for _, u := range m.Users() {
		if u == spec.RootUser || len(m.Roles(u)) > 0 {
			continue
		}
		out = append(out, Violation{Rule: r.Label(), Line: r.Line, User: u,
			Message: fmt.Sprintf("user %s has no role besides public", u)})
	}
	return out
}

func checkEscalation(m *access.Model, r Rule) []Violation {
	var out []Violation
	for _, u := range m.Users() {
		if exempt(m, u, r.Escalation.Except) {
			continue
		}
		for _, c := range m.Escalations(u) {
			out = append(out, Violation{Rule: r.Label(), Line: r.Line, User: u, Privilege: c.Privilege,
				Database: c.Database, Collection: c.Object, Paths: []access.Path{c.Source},
				Message: fmt.Sprintf("user %s holds %s: %s", u, c.Summary, c.Reason)})
		}
	}
	return out
}
