package plan

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/milvus-rbac/milvus-rbac/privilege"
)

// Objects is what a cluster holds besides RBAC, as far as releases that resolve the names in
// grants (Milvus 2.6.12 and later) make it matter: which databases exist, and which names
// are aliases of which collection.
type Objects struct {
	// Databases holds every database of the cluster.
	Databases map[string]bool
	// Aliases maps database -> alias -> collection, for the aliases the plan's grants name.
	Aliases map[string]map[string]string
	// Where, when set, says where the spec defines a role ("file:line", or ""), so that a
	// refused grant names the line to fix.
	Where func(role string) string
}

// where is "file:line: " of role, or "".
func (o Objects) where(role string) string {
	if o.Where == nil {
		return ""
	}
	if w := o.Where(role); w != "" {
		return w + ": "
	}
	return ""
}

// NamedDatabases returns the named databases (not "*") that the plan's grant and revoke steps
// name, sorted: what Objects.Databases must answer for.
func (p *Plan) NamedDatabases() []string {
	set := map[string]bool{}
	for _, s := range p.Steps {
		if (s.Action == GrantPrivilege || s.Action == RevokePrivilege) && s.Grant.Database != privilege.Wildcard {
			set[s.Grant.Database] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// NamedObjects returns, for each database, the collection or user names (not "*") that the
// plan grants on there, sorted: the names that could be aliases.
func (p *Plan) NamedObjects() map[string][]string {
	sets := map[string]map[string]bool{}
	for _, s := range p.Steps {
		if s.Action != GrantPrivilege || s.Grant.Database == privilege.Wildcard || s.Grant.Object == privilege.Wildcard {
			continue
		}
		if sets[s.Grant.Database] == nil {
			sets[s.Grant.Database] = map[string]bool{}
		}
		sets[s.Grant.Database][s.Grant.Object] = true
	}
	out := map[string][]string{}
	for db, set := range sets {
		out[db] = slices.Sorted(maps.Keys(set))
	}
	return out
}

// ResolveNames checks the plan against what the cluster holds, for a release that resolves
// names in grants (need names it: "Milvus 2.6.12 or later"):
//   - a grant in a database that does not exist would fail ("database not found"): an error;
//   - a grant naming an alias would be stored under the collection, so the next plan would
//     revoke it and grant it again on every run: an error naming the collection;
//   - a revoke in a database that no longer exists cannot run: the step is blocked with the
//     reason, and so is the drop of its role, which Milvus refuses while grants remain.
//
// Every error is reported at once, one per grant.
func (p *Plan) ResolveNames(o Objects, need string) error {
	var problems []string
	blockedRoles := map[string]string{}
	for i := range p.Steps {
		s := &p.Steps[i]
		if s.Action != GrantPrivilege && s.Action != RevokePrivilege {
			continue
		}
		g := s.Grant
		if g.Database == privilege.Wildcard {
			continue
		}
		if !o.Databases[g.Database] {
			if s.Action == RevokePrivilege {
				s.Blocked = fmt.Sprintf("database %q no longer exists, and %s cannot revoke a grant in a database that does not exist", g.Database, need)
				blockedRoles[s.Role] = g.Database
				continue
			}
			problems = append(problems, o.where(s.Role)+fmt.Sprintf("role %s: grant %s: database %q does not exist, and %s refuses grants in it (\"database not found\"): create the database first, or remove the grant", s.Role, g, g.Database, need))
			continue
		}
		if target, ok := o.Aliases[g.Database][g.Object]; ok && s.Action == GrantPrivilege {
			problems = append(problems, o.where(s.Role)+fmt.Sprintf("role %s: grant %s: %q is an alias of collection %q in database %q, and %s stores the grant under %q, so every run would grant it again: name %q in the file",
				s.Role, g, g.Object, target, g.Database, need, target, target))
		}
	}
	for role, db := range blockedRoles {
		p.BlockRoleDrops([]string{role}, fmt.Sprintf("the role keeps a grant in database %q, which no longer exists; Milvus refuses to drop a role that has grants", db))
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("%d grant(s) the server cannot store as written:\n  - %s", len(problems), strings.Join(problems, "\n  - "))
	}
	return nil
}

// BlockRoleDrops blocks the drop of each of roles, with why, unless already blocked: Milvus
// refuses to drop a role that still has grants, and some grants cannot be revoked.
func (p *Plan) BlockRoleDrops(roles []string, why string) {
	for i := range p.Steps {
		s := &p.Steps[i]
		if s.Action == DropRole && s.Blocked == "" && slices.Contains(roles, s.Role) {
			s.Blocked = why
		}
	}
}
