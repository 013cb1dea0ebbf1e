package access

import (
	"fmt"
	"slices"
	"strings"
)

// FoldAt is how many users must share a change for the delta to say it once: "role writer:
// 300 new users gain CollectionReadWrite on default.* (25 privileges)".
const FoldAt = 3

// ListUsers is how many users a fold names before it counts the rest.
const ListUsers = 20

// Direction says whether a change is gained or lost. Its value is the JSON name.
type Direction string

// Directions.
const (
	Gain Direction = "gain"
	Lose Direction = "lose"
)

// UserKind says what the plan does to the users of a fold. Its value is the JSON name.
type UserKind string

// User kinds.
const (
	NewUsers      UserKind = "new"
	ExistingUsers UserKind = "existing"
	DroppedUsers  UserKind = "dropped"
)

func kindOf(d UserDelta) UserKind {
	switch {
	case d.Created:
		return NewUsers
	case d.Dropped:
		return DroppedUsers
	}
	return ExistingUsers
}

// Fold is what at least FoldAt users of one kind gain, or lose, alike through the same roles:
// one or more changes, and the users.
type Fold struct {
	Direction Direction `json:"direction"`
	UserKind  UserKind  `json:"user_kind"`
	// Roles are the roles the changes come through ("public" for its automatic grants).
	Roles   []string `json:"roles"`
	Changes []Brief  `json:"changes"`
	// Users are all the users concerned, sorted.
	Users []string `json:"users"`
}

// Brief is a change in the compact form: as in UserDelta, without the user's own path and
// with the privileges of a group counted (Compact.Groups lists them).
type Brief struct {
	Change         Change `json:"-"`
	Privilege      string `json:"privilege"`
	ObjectType     string `json:"object_type,omitempty"`
	Database       string `json:"database"`
	Object         string `json:"object"`
	PrivilegeCount int    `json:"privilege_count,omitempty"`
	Through        string `json:"through,omitempty"`
	// Roles are the roles it comes through; in a fold, Fold.Roles says it once.
	Roles      []string `json:"roles,omitempty"`
	Escalation bool     `json:"escalation,omitempty"`
	Reason     string   `json:"reason,omitempty"`
	// Summary is the change without its verb (and, in a fold, without its roles):
	// "CollectionReadWrite on default.* (25 privileges)".
	Summary string `json:"summary"`
}

// brief is the compact form of c, with or without its roles.
func brief(c Change, roles bool) Brief {
	b := Brief{Change: c, Privilege: c.Privilege, ObjectType: c.ObjectType, Database: c.Database, Object: c.Object,
		PrivilegeCount: len(c.Privileges), Through: c.Through, Escalation: c.Escalation, Reason: c.Reason,
		Summary: c.phraseWith(plain, roles)}
	if roles {
		b.Roles = c.Roles
	}
	return b
}

// BriefUser is what one user gains and loses outside the folds.
type BriefUser struct {
	User     string   `json:"user"`
	UserKind UserKind `json:"user_kind"`
	Gained   []Brief  `json:"gained,omitempty"`
	Lost     []Brief  `json:"lost,omitempty"`
}

// GroupPrivileges lists once the privileges that changes name by a group: "CollectionReadWrite
// (25 privileges)".
type GroupPrivileges struct {
	Name string `json:"name"`
	// Label is how the changes refer to it: the name, and the count of privileges.
	Label      string   `json:"label"`
	Privileges []string `json:"privileges"`
}

// Compact is the delta as reviewers read it: changes shared by many users folded, each
// user's other changes (every escalation among them), and the privileges of each group said
// once. Text, markdown and the JSON's access_summary are renderings of it.
type Compact struct {
	FoldAt int    `json:"fold_at"`
	Folds  []Fold `json:"folds"`
	// Users are the changes not folded, per user; a user whose changes are all folded is
	// left out.
	Users  []BriefUser       `json:"users"`
	Groups []GroupPrivileges `json:"groups"`
}

// signature identifies what a change gives, whoever gets it.
func (c Change) signature() string {
	return strings.Join([]string{c.Privilege, c.ObjectType, c.Database, c.Object, c.Through,
		strings.Join(c.Roles, ","), strings.Join(c.Privileges, ","), strings.Join(c.Notes, "\x01")}, "\x00")
}

// Compress folds ds: a change that FoldAt or more users of one kind (new, existing,
// dropped) gain or lose alike becomes one Fold; escalations are never folded.
func Compress(ds []UserDelta) Compact {
	type key struct {
		dir  Direction
		kind UserKind
		sig  string
	}
	users := map[key][]string{}
	first := map[key]Change{}
	var order []key
	note := func(k key, c Change, user string) {
		if _, seen := users[k]; !seen {
			order = append(order, k)
			first[k] = c
		}
		users[k] = append(users[k], user)
	}
	for _, d := range ds {
		for _, c := range d.Gained {
			if !c.Escalation {
				note(key{Gain, kindOf(d), c.signature()}, c, d.User)
			}
		}
		for _, c := range d.Lost {
			note(key{Lose, kindOf(d), c.signature()}, c, d.User)
		}
	}
	out := Compact{FoldAt: FoldAt, Folds: []Fold{}, Users: []BriefUser{}, Groups: []GroupPrivileges{}}
	folded := map[key]bool{}
	// One fold per direction, kind, roles and set of users: "role writer: 300 new users gain
	// CollectionReadWrite on default.* (25 privileges), DatabaseReadOnly on default.* (2
	// privileges)".
	index := map[string]int{}
	for _, k := range order {
		if len(users[k]) < FoldAt {
			continue
		}
		folded[k] = true
		c := first[k]
		us := slices.Sorted(slices.Values(users[k]))
		roles := c.Roles
		if c.Privilege == "public" {
			roles = []string{"public"}
		}
		fk := strings.Join([]string{string(k.dir), string(k.kind), strings.Join(roles, ","), strings.Join(us, ",")}, "\x00")
		i, ok := index[fk]
		if !ok {
			i = len(out.Folds)
			index[fk] = i
			out.Folds = append(out.Folds, Fold{Direction: k.dir, UserKind: k.kind, Roles: roles, Users: us})
		}
		out.Folds[i].Changes = append(out.Folds[i].Changes, brief(c, false))
	}
	// Gains before losses, each in order of first appearance.
	slices.SortStableFunc(out.Folds, func(a, b Fold) int {
		if a.Direction != b.Direction {
			if a.Direction == Gain {
				return -1
			}
			return 1
		}
		return 0
	})
	for _, d := range ds {
		rest := BriefUser{User: d.User, UserKind: kindOf(d)}
		for _, c := range d.Gained {
			if c.Escalation || !folded[key{Gain, kindOf(d), c.signature()}] {
				rest.Gained = append(rest.Gained, brief(c, true))
			}
		}
		for _, c := range d.Lost {
			if !folded[key{Lose, kindOf(d), c.signature()}] {
				rest.Lost = append(rest.Lost, brief(c, true))
			}
		}
		if len(rest.Gained)+len(rest.Lost) > 0 {
			out.Users = append(out.Users, rest)
		}
	}
	out.Groups = append([]GroupPrivileges{}, groupsOf(out)...)
	return out
}

// groupsOf lists, once each, the privilege sets that the changes of c name by a group, in
// order of first appearance. Two sets under one name (a user who had part of a group
// already) are told apart by their counts.
func groupsOf(c Compact) []GroupPrivileges {
	var out []GroupPrivileges
	seen := map[string]bool{}
	add := func(ch Change) {
		if len(ch.Privileges) == 0 || ch.Privilege == "public" {
			return
		}
		k := ch.Privilege + "\x00" + strings.Join(ch.Privileges, ",")
		if seen[k] {
			return
		}
		seen[k] = true
		out = append(out, GroupPrivileges{Name: ch.Privilege, Label: groupLabel(ch), Privileges: ch.Privileges})
	}
	for _, f := range c.Folds {
		for _, fc := range f.Changes {
			add(fc.Change)
		}
	}
	for _, d := range c.Users {
		for _, b := range slices.Concat(d.Gained, d.Lost) {
			add(b.Change)
		}
	}
	// A label that names two different sets (same group, same count) would mislead: number them.
	count := map[string]int{}
	for _, g := range out {
		count[g.Label]++
	}
	n := map[string]int{}
	for i, g := range out {
		if count[g.Label] > 1 {
			n[g.Label]++
			out[i].Label = fmt.Sprintf("%s, set %d", g.Label, n[g.Label])
		}
	}
	return out
}

func groupLabel(c Change) string {
	return fmt.Sprintf("%s (%d privileges)", c.Privilege, len(c.Privileges))
}

// labelOf finds the label under which groups list c's privileges ("" when not listed).
func labelOf(groups []GroupPrivileges, c Change) string {
	for _, g := range groups {
		if g.Name == c.Privilege && slices.Equal(g.Privileges, c.Privileges) {
			return g.Label
		}
	}
	return ""
}

// via names what a fold comes through: "role writer", "roles reader, writer".
func (f Fold) via(code func(string) string) string {
	switch len(f.Roles) {
	case 0:
		return "no role"
	case 1:
		return "role " + code(f.Roles[0])
	}
	quoted := make([]string, len(f.Roles))
	for i, r := range f.Roles {
		quoted[i] = code(r)
	}
	return "roles " + strings.Join(quoted, ", ")
}

// sentence renders a fold without its users: "role writer: 300 new users gain
// CollectionReadWrite on default.* (25 privileges)".
func (f Fold) sentence(code func(string) string) string {
	who := fmt.Sprintf("%d users", len(f.Users))
	if f.UserKind != ExistingUsers {
		who = fmt.Sprintf("%d %s users", len(f.Users), f.UserKind)
	}
	verb := "gain"
	if f.Direction == Lose {
		verb = "lose"
	}
	var what []string
	for _, fc := range f.Changes {
		c := fc.Change
		if c.Privilege == "public" {
			quoted := make([]string, len(c.Privileges))
			for i, p := range c.Privileges {
				quoted[i] = code(p)
			}
			what = append(what, fmt.Sprintf("its automatic grants (%d privileges: %s)", len(c.Privileges), strings.Join(quoted, ", ")))
			continue
		}
		what = append(what, c.phraseWith(code, false))
	}
	return fmt.Sprintf("%s: %s %s %s", f.via(code), who, verb, strings.Join(what, "; "))
}

// names lists users compactly: the first ListUsers, then how many more.
func names(users []string, code func(string) string) string {
	shown := users
	if len(shown) > ListUsers {
		shown = shown[:ListUsers]
	}
	quoted := make([]string, len(shown))
	for i, u := range shown {
		quoted[i] = code(u)
	}
	s := strings.Join(quoted, ", ")
	if more := len(users) - len(shown); more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}
