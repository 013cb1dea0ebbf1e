package apply

import (
	"fmt"
	"sort"
	"strings"

	"github.com/milvus-rbac/milvus-rbac/access"
	"github.com/milvus-rbac/milvus-rbac/plan"
	"github.com/milvus-rbac/milvus-rbac/privilege"
)

// Lack is a privilege the connecting user lacks, with the steps that need it.
type Lack struct {
	plan.Need
	// Steps describe the steps that need it, in plan order.
	Steps []string
}

// Preflight returns the privileges that the steps of p ask of user (plan.Step.Need) and that
// the access model m, computed from the live state the plan was made from, says user lacks:
// Milvus would refuse each such step with HTTP 403. Blocked steps, which apply does not run,
// are left out. Where m cannot tell (user holds a role the state does not describe), the
// privilege is not counted as lacking: the server decides. The result is sorted by privilege,
// database and object.
func Preflight(p *plan.Plan, m *access.Model, user string) []Lack {
	byNeed := map[plan.Need]*Lack{}
	for _, st := range p.Steps {
		if st.Blocked != "" {
			continue
		}
		n := st.Need()
		if n.Privilege == "" {
			continue
		}
		if ok, paths := m.Can(user, n.Privilege, n.Database, n.Object); ok || len(paths) > 0 {
			continue
		}
		l, seen := byNeed[n]
		if !seen {
			l = &Lack{Need: n}
			byNeed[n] = l
		}
		l.Steps = append(l.Steps, st.Description())
	}
	out := make([]Lack, 0, len(byNeed))
	for _, l := range byNeed {
		out = append(out, *l)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Need, out[j].Need
		if a.Privilege != b.Privilege {
			return a.Privilege < b.Privilege
		}
		if a.Database != b.Database {
			return a.Database < b.Database
		}
		return a.Object < b.Object
	})
	return out
}

// Fix says which grant gives the lacking privilege: the privilege itself on database "*"
// (and, for UpdateUser, user "*"), or the narrowest built-in group that holds it.
func (l Lack) Fix() string {
	on := `database "*"`
	if privilege.ObjectType(l.Privilege) == privilege.ObjectUser {
		on = `user "*"`
	}
	return fmt.Sprintf("grant %s on %s, or the built-in group %s", l.Privilege, on, privilege.GroupHolding(l.Privilege))
}

// String is one line for people: the privilege, where Milvus checks it, the steps (at most
// three named) and the grant that gives it.
func (l Lack) String() string {
	where := "database " + l.Database
	if privilege.ObjectType(l.Privilege) == privilege.ObjectUser {
		where = "user " + l.Object
	}
	steps := l.Steps
	more := ""
	if len(steps) > 3 {
		more = fmt.Sprintf(" and %d more", len(steps)-3)
		steps = steps[:3]
	}
	return fmt.Sprintf("%s (%s), needed by %s%s: %s", l.Privilege, where, strings.Join(steps, "; "), more, l.Fix())
}
