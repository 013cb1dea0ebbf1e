package access

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// Change is one gained or lost piece of access: a single privilege, or what one grant of a
// group, the wildcard or public's automatic grants adds up to.
type Change struct {
	// Privilege is what the change is named after: a privilege, a group, "*", "All",
	// "admin", or "public" for public's automatic grants.
	Privilege string `json:"privilege"`
	// ObjectType is the object type of a single privilege; empty for a summary.
	ObjectType string `json:"object_type,omitempty"`
	// Database and Object are where the change applies: the grant's target for a summary.
	Database string `json:"database"`
	Object   string `json:"object"`
	// Privileges are the privileges gained or lost through Privilege, sorted, when the
	// change summarises several.
	Privileges []string `json:"privileges,omitempty"`
	// Through is the group a single privilege comes through, when it does.
	Through string `json:"through,omitempty"`
	// Roles are the roles the change comes through, sorted.
	Roles []string `json:"roles,omitempty"`
	// Escalation is true for a gain that grants admin, "*", All, a cluster-level group, or a
	// UserManagement privilege; Reason says which.
	Escalation bool   `json:"escalation"`
	Reason     string `json:"reason,omitempty"`
	// Source is how the change comes about: the first path of its first entry, with the
	// groups cut to the granted one.
	Source Path `json:"source"`
	// Notes are the notes of the entries the change covers.
	Notes []string `json:"notes,omitempty"`
	// Summary is the change for people, without the gains/loses verb:
	// "CollectionReadWrite on sales.* (13 privileges) via role writer".
	Summary string `json:"summary"`
}

// UserDelta is how one user's effective access changes.
type UserDelta struct {
	User string `json:"user"`
	// Created and Dropped say that the user exists only after, or only before.
	Created bool     `json:"created,omitempty"`
	Dropped bool     `json:"dropped,omitempty"`
	Gained  []Change `json:"gained,omitempty"`
	Lost    []Change `json:"lost,omitempty"`
	// Escalation is true when a gained change is one.
	Escalation bool `json:"escalation"`
}

// Delta compares the effective access of every user in before and after (the states before
// and after a plan is applied) and returns, per user whose access changes, what is gained
// and lost, sorted by user. Entries that differ only in their paths are no change. Gains
// are summarised per grant of a group or wildcard, so that a grant of CollectionReadWrite is
// one change listing its privileges rather than one per privilege.
func Delta(before, after *Model) []UserDelta {
	names := map[string]bool{}
	for _, m := range []*Model{before, after} {
		for n := range m.users {
			names[n] = true
		}
	}
	var out []UserDelta
	for _, name := range sortedSet(names) {
		b, a := before.users[name], after.users[name]
		d := UserDelta{User: name}
		var be, ae []Entry
		if b != nil && b.known {
			be = b.entries
		}
		if a != nil && a.known {
			ae = a.entries
		}
		d.Created = (b == nil || !b.known) && a != nil && a.known
		d.Dropped = (a == nil || !a.known) && b != nil && b.known
		d.Gained = after.Summarise(minus(ae, be))
		d.Lost = before.Summarise(minus(be, ae))
		for i := range d.Lost {
			d.Lost[i].Escalation, d.Lost[i].Reason = false, ""
		}
		for _, c := range d.Gained {
			d.Escalation = d.Escalation || c.Escalation
		}
		if len(d.Gained) > 0 || len(d.Lost) > 0 || d.Created || d.Dropped {
			out = append(out, d)
		}
	}
	return out
}

// minus returns the entries of a whose key is not in b.
func minus(a, b []Entry) []Entry {
	in := map[key]bool{}
	for _, e := range b {
		in[e.key()] = true
	}
	var out []Entry
	for _, e := range a {
		if !in[e.key()] {
			out = append(out, e)
		}
	}
	return out
}

// source is what a change is summarised under: the first path of an entry.
type source struct {
	kind      PathKind
	grant     spec.Grant
	automatic bool
}

func sourceOf(e Entry) source {
	if len(e.Paths) == 0 {
		return source{}
	}
	p := e.Paths[0]
	s := source{kind: p.Kind}
	switch {
	case p.Automatic:
		s.automatic = true
	case p.Grant != nil:
		s.grant = *p.Grant
	}
	return s
}

// Summarise groups entries (of one user) into changes: one per grant of a group, of the
// wildcard or of All that covers several entries, one for public's automatic grants, one
// for admin and root, and one per remaining entry. Each change is checked for escalation.
// Changes are sorted: admin and root first, then by database, object and name.
func (m *Model) Summarise(entries []Entry) []Change {
	bySource := map[source][]Entry{}
	var order []source
	for _, e := range entries {
		s := sourceOf(e)
		if _, seen := bySource[s]; !seen {
			order = append(order, s)
		}
		bySource[s] = append(bySource[s], e)
	}
	var out []Change
	for _, s := range order {
		es := bySource[s]
		switch {
		case s.kind == PathAdmin || s.kind == PathRoot || s.kind == PathSelf || s.kind == PathUncertain:
			for _, e := range es {
				out = append(out, m.single(e))
			}
		case s.automatic && len(es) > 1:
			out = append(out, m.summary("public", privilege.Wildcard, privilege.Wildcard, es))
		case len(es) > 1:
			out = append(out, m.summary(s.grant.Privilege, s.grant.Database, s.grant.Object, es))
		default:
			out = append(out, m.single(es[0]))
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		ra, rb := a.Privilege == "root" || a.Privilege == spec.AdminRole, b.Privilege == "root" || b.Privilege == spec.AdminRole
		switch {
		case ra != rb:
			return ra
		case a.Database != b.Database:
			return a.Database < b.Database
		case a.Object != b.Object:
			return a.Object < b.Object
		}
		return a.Privilege < b.Privilege
	})
	return out
}

// single is the change of one entry.
func (m *Model) single(e Entry) Change {
	c := Change{Privilege: e.Privilege, ObjectType: e.ObjectType, Database: e.Database, Object: e.Object,
		Roles: rolesOf([]Entry{e}), Notes: slices.Clone(e.Notes)}
	switch e.Match {
	case MatchAdmin:
		c.Privilege, c.ObjectType = spec.AdminRole, ""
	case MatchRoot:
		c.Privilege, c.ObjectType = "root", ""
	default:
		if len(e.Paths) > 0 && len(e.Paths[0].Groups) > 0 {
			c.Through = e.Paths[0].Groups[0]
		}
	}
	c.Source = sourcePath(e)
	c.Summary = c.phrase(plain)
	c.Escalation, c.Reason = m.escalation(c, e)
	return c
}

// sourcePath is the first path of e, with its groups cut to the granted one.
func sourcePath(e Entry) Path {
	if len(e.Paths) == 0 {
		return Path{}
	}
	p := e.Paths[0]
	if len(p.Groups) > 1 {
		p.Groups = p.Groups[:1]
	}
	return p
}

// summary is the change of several entries reached through one grant (or public's automatic
// grants).
func (m *Model) summary(name, db, object string, es []Entry) Change {
	c := Change{Privilege: name, Database: db, Object: object, Roles: rolesOf(es)}
	set := map[string]bool{}
	for _, e := range es {
		set[e.Privilege] = true
		for _, n := range e.Notes {
			if !slices.Contains(c.Notes, n) {
				c.Notes = append(c.Notes, n)
			}
		}
	}
	c.Privileges = sortedSet(set)
	c.Source = sourcePath(es[0])
	if name == "public" {
		c.Source.Grant = nil
	}
	c.Summary = c.phrase(plain)
	c.Escalation, c.Reason = m.escalation(c, es...)
	return c
}

// plain formats a name for text: as it is.
func plain(s string) string { return s }

// target renders where a change applies.
func (c Change) target() string {
	if c.ObjectType == privilege.ObjectUser {
		return fmt.Sprintf("user %s (database %s)", c.Object, c.Database)
	}
	return c.Database + "." + c.Object
}

// phrase renders the change without its verb, code formatting names (identity for text,
// code spans for markdown): "CollectionReadWrite on sales.* (13 privileges) via role writer".
func (c Change) phrase(code func(string) string) string { return c.phraseWith(code, true) }

// phraseWith is phrase, with or without the roles the change comes through.
func (c Change) phraseWith(code func(string) string, roles bool) string {
	var b strings.Builder
	switch {
	case c.Privilege == spec.AdminRole && c.ObjectType == "" && len(c.Privileges) == 0:
		b.WriteString(code("admin") + " (passes every check: all privileges everywhere)")
	case c.Privilege == "root" && c.ObjectType == "":
		b.WriteString("everything as " + code("root"))
	case c.Privilege == "public" && len(c.Privileges) > 0:
		quoted := make([]string, len(c.Privileges))
		for i, p := range c.Privileges {
			quoted[i] = code(p)
		}
		fmt.Fprintf(&b, "public's automatic grants (%d privileges: %s)", len(c.Privileges), strings.Join(quoted, ", "))
		return b.String()
	default:
		fmt.Fprintf(&b, "%s on %s", code(c.Privilege), code(c.target()))
		switch {
		case len(c.Privileges) > 0:
			fmt.Fprintf(&b, " (%d privileges)", len(c.Privileges))
		case c.Privilege == privilege.Wildcard:
			b.WriteString(" (every Global-type privilege)")
		case c.Privilege == "All" && c.Database == privilege.Wildcard:
			b.WriteString(" (matches no request: All needs an exact database)")
		case c.Privilege == "All":
			fmt.Fprintf(&b, " (every privilege in database %s)", c.Database)
		}
		if c.Through != "" {
			b.WriteString(" through " + code(c.Through))
		}
	}
	switch {
	case !roles || len(c.Roles) == 0:
	case len(c.Roles) == 1:
		b.WriteString(" via role " + code(c.Roles[0]))
	default:
		quoted := make([]string, len(c.Roles))
		for i, r := range c.Roles {
			quoted[i] = code(r)
		}
		b.WriteString(" via roles " + strings.Join(quoted, ", "))
	}
	return b.String()
}

func rolesOf(es []Entry) []string {
	set := map[string]bool{}
	for _, e := range es {
		for _, p := range e.Paths {
			if p.Role != "" {
				set[p.Role] = true
			}
		}
	}
	return sortedSet(set)
}

// escalation says whether a change (with the entries it covers) grants admin, the wildcard,
// All, a cluster-level group or a user-management privilege, and why.
func (m *Model) escalation(c Change, es ...Entry) (bool, string) {
	var reasons []string
	add := func(r string) {
		if !slices.Contains(reasons, r) {
			reasons = append(reasons, r)
		}
	}
	var um []string
	for _, e := range es {
		switch {
		case e.Match == MatchAdmin:
			add("role admin passes every check")
		case e.Match == MatchRoot:
			add("root passes every check")
		case e.Privilege == privilege.Wildcard:
			add("the wildcard privilege * covers every Global-type privilege, user management included")
		case e.Privilege == "All":
			add("All covers every privilege of a database")
		}
		if slices.Contains(UserManagement, e.Privilege) && !slices.Contains(um, e.Privilege) {
			um = append(um, e.Privilege)
		}
		for _, p := range e.Paths {
			// The granted group only: the groups below it are part of it.
			if len(p.Groups) > 0 && m.state.LevelOf(p.Groups[0]) == privilege.LevelCluster {
				add(fmt.Sprintf("%s is a cluster-level privilege group", p.Groups[0]))
			}
			if p.Grant != nil && p.Grant.Privilege == privilege.Wildcard {
				add("the wildcard privilege * covers every Global-type privilege, user management included")
			}
		}
	}
	if len(um) > 0 {
		slices.Sort(um)
		add("user management: " + strings.Join(um, ", "))
	}
	return len(reasons) > 0, strings.Join(reasons, "; ")
}

// Escalations returns the changes a user would gain from nothing that are escalations: what
// makes the user's current access dangerous. Used by policy checks.
func (m *Model) Escalations(user string) []Change {
	var out []Change
	for _, c := range m.Summarise(m.User(user)) {
		if c.Escalation {
			out = append(out, c)
		}
	}
	return out
}

func sortedSet(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
