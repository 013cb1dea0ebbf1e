package access

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/milvus-rbac/milvus-rbac/markdown"
	"github.com/milvus-rbac/milvus-rbac/output"
	"github.com/milvus-rbac/milvus-rbac/privilege"
)

// FormatVersion is the format_version of the JSON documents of this package, "MAJOR.MINOR"
// under the rule every JSON document of milvus-rbac follows (docs/json-formats.md).
const FormatVersion = output.AccessVersion

// UserAccess is one user's effective access, as the JSON of `access --user` carries it.
type UserAccess struct {
	User string `json:"user"`
	// Description is the user's description, from the file or the cluster; absent when none.
	Description string `json:"description,omitempty"`
	// RoleDescriptions are the descriptions of the user's roles that have one.
	RoleDescriptions map[string]string `json:"role_descriptions,omitempty"`
	// Roles are the roles given directly; public, which every user holds, is not listed.
	Roles   []string `json:"roles"`
	Entries []Entry  `json:"entries"`
	Notes   []string `json:"notes,omitempty"`
}

// UsersReport is the JSON document of `access --user` (and of `access` alone, for every user).
type UsersReport struct {
	FormatVersion string `json:"format_version"`
	// Kind is "access_users".
	Kind string `json:"kind"`
	// BuiltinGroups says where built-in group contents come from: "server" or a version.
	BuiltinGroups string       `json:"builtin_groups"`
	Users         []UserAccess `json:"users"`
}

// WhoReport is the JSON document of `access --can P --on D.C`.
type WhoReport struct {
	FormatVersion string `json:"format_version"`
	// Kind is "access_who".
	Kind          string `json:"kind"`
	BuiltinGroups string `json:"builtin_groups"`
	Privilege     string `json:"privilege"`
	// ObjectType is the object type Milvus checks the privilege on.
	ObjectType string `json:"object_type"`
	// Database and Collection are as asked: "*" means some database or collection.
	Database   string   `json:"database"`
	Collection string   `json:"collection"`
	Holders    []Holder `json:"holders"`
}

// CanReport is the JSON document of `access --user U --can P --on D.C`.
type CanReport struct {
	FormatVersion string `json:"format_version"`
	// Kind is "access_can".
	Kind          string `json:"kind"`
	BuiltinGroups string `json:"builtin_groups"`
	User          string `json:"user"`
	Privilege     string `json:"privilege"`
	ObjectType    string `json:"object_type"`
	Database      string `json:"database"`
	Collection    string `json:"collection"`
	Allowed       bool   `json:"allowed"`
	Paths         []Path `json:"paths"`
}

// UsersReport builds the report of users (every user of the model when none is named).
func (m *Model) UsersReport(users ...string) UsersReport {
	if len(users) == 0 {
		users = m.Users()
	}
	r := UsersReport{FormatVersion: FormatVersion, Kind: "access_users", BuiltinGroups: m.BuiltinGroupSource(), Users: []UserAccess{}}
	for _, u := range users {
		es := m.User(u)
		if es == nil {
			es = []Entry{}
		}
		roles := m.Roles(u)
		if roles == nil {
			roles = []string{}
		}
		ua := UserAccess{User: u, Roles: roles, Entries: es, Notes: m.Notes(u)}
		if m.state != nil {
			if su := m.state.Users[u]; su != nil {
				ua.Description = su.Description
			}
			for _, rn := range roles {
				if r := m.state.Roles[rn]; r != nil && r.Description != "" {
					if ua.RoleDescriptions == nil {
						ua.RoleDescriptions = map[string]string{}
					}
					ua.RoleDescriptions[rn] = r.Description
				}
			}
		}
		r.Users = append(r.Users, ua)
	}
	return r
}

func asked(db, object string) (string, string) {
	if db == "" {
		db = privilege.DefaultDatabase
	}
	if object == "" {
		object = privilege.Wildcard
	}
	return db, object
}

// WhoReport builds the report of Who.
func (m *Model) WhoReport(priv, db, object string) WhoReport {
	d, o := asked(db, object)
	hs := m.Who(priv, db, object)
	if hs == nil {
		hs = []Holder{}
	}
	return WhoReport{FormatVersion: FormatVersion, Kind: "access_who", BuiltinGroups: m.BuiltinGroupSource(), Privilege: priv,
		ObjectType: privilege.ObjectType(priv), Database: d, Collection: o, Holders: hs}
}

// CanReport builds the report of Can.
func (m *Model) CanReport(user, priv, db, object string) CanReport {
	d, o := asked(db, object)
	ok, paths := m.Can(user, priv, db, object)
	if paths == nil {
		paths = []Path{}
	}
	return CanReport{FormatVersion: FormatVersion, Kind: "access_can", BuiltinGroups: m.BuiltinGroupSource(), User: user, Privilege: priv,
		ObjectType: privilege.ObjectType(priv), Database: d, Collection: o, Allowed: ok, Paths: paths}
}

// WriteJSON writes v (a report or a []UserDelta) as indented JSON.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// errWriter keeps the first write error so that rendering code stays linear.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

// WriteUsersText writes the access of users (every user when none is named) for people:
// per user, entries grouped by where they apply (database.collection), each with the paths
// that give it; subtleties as numbered notes under the user.
func WriteUsersText(w io.Writer, m *Model, users ...string) error {
	ew := &errWriter{w: w}
	r := m.UsersReport(users...)
	for i, u := range r.Users {
		if i > 0 {
			ew.printf("\n")
		}
		writeUser(ew, u)
	}
	ew.printf("\nBuilt-in privilege groups: %s.\n", groupSourceText(r.BuiltinGroups))
	return ew.err
}

func groupSourceText(s string) string {
	if s == "server" {
		return "as the server reported them"
	}
	return "contents of Milvus " + s
}

func writeUser(ew *errWriter, u UserAccess) {
	roles := "none"
	if len(u.Roles) > 0 {
		roles = strings.Join(u.Roles, ", ")
	}
	ew.printf("%s (roles: %s; every user also holds public)\n", u.User, roles)
	if u.Description != "" {
		ew.printf("  # %s\n", u.Description)
	}
	for _, r := range u.Roles {
		if d := u.RoleDescriptions[r]; d != "" {
			ew.printf("  # role %s: %s\n", r, d)
		}
	}
	var notes []string
	mark := func(e Entry) string {
		var ms []string
		for _, n := range e.Notes {
			i := slices.Index(notes, n)
			if i < 0 {
				notes = append(notes, n)
				i = len(notes) - 1
			}
			ms = append(ms, fmt.Sprintf("[%d]", i+1))
		}
		return strings.Join(ms, "")
	}
	type line struct {
		name  string
		paths []string
	}
	var (
		targets []string
		lines   = map[string][]line{}
		width   int
	)
	for _, e := range u.Entries {
		t := e.Target()
		if _, ok := lines[t]; !ok {
			targets = append(targets, t)
		}
		name := e.Privilege
		if e.Match == MatchAdmin || e.Match == MatchRoot {
			name = "all privileges"
		}
		if mk := mark(e); mk != "" {
			name += " " + mk
		}
		var ps []string
		for _, p := range e.Paths {
			ps = append(ps, p.tail())
		}
		lines[t] = append(lines[t], line{name, ps})
		width = max(width, len(name))
	}
	if len(u.Entries) == 0 {
		ew.printf("  no privileges\n")
	}
	for _, t := range targets {
		ew.printf("  %s\n", t)
		for _, l := range lines[t] {
			for i, p := range l.paths {
				name := ""
				if i == 0 {
					name = l.name
				}
				ew.printf("    %-*s  %s\n", width, name, p)
			}
		}
	}
	for i, n := range notes {
		ew.printf("  [%d] %s\n", i+1, n)
	}
	for _, n := range u.Notes {
		ew.printf("  %s\n", n)
	}
}

// question renders what Who and Can are asked: "Insert on sales.orders", "Insert on some
// collection of sales".
func question(priv, db, object string) string {
	db, object = asked(db, object)
	t := privilege.ObjectType(priv)
	switch {
	case db == privilege.Wildcard && object == privilege.Wildcard:
		return priv + " in some database"
	case t == privilege.ObjectUser && object == privilege.Wildcard:
		return fmt.Sprintf("%s on some user (database %s)", priv, db)
	case t == privilege.ObjectUser:
		return fmt.Sprintf("%s on user %s (database %s)", priv, object, db)
	case t == privilege.ObjectGlobal && object == privilege.Wildcard:
		return fmt.Sprintf("%s in database %s", priv, db)
	case object == privilege.Wildcard:
		return fmt.Sprintf("%s on some collection of %s", priv, db)
	}
	return fmt.Sprintf("%s on %s.%s", priv, db, object)
}

// WriteWhoText writes who can use priv on db and object, and through what.
func WriteWhoText(w io.Writer, m *Model, priv, db, object string) error {
	ew := &errWriter{w: w}
	r := m.WhoReport(priv, db, object)
	q := question(priv, db, object)
	if len(r.Holders) == 0 {
		ew.printf("No user can use %s (a %s-type privilege).\n", q, r.ObjectType)
		return ew.err
	}
	ew.printf("Who can use %s (a %s-type privilege):\n", q, r.ObjectType)
	width := 0
	for _, h := range r.Holders {
		width = max(width, len(h.User))
	}
	for _, h := range r.Holders {
		for i, p := range h.Paths {
			name := ""
			if i == 0 {
				name = h.User
			}
			ew.printf("  %-*s  %s\n", width, name, p.tail())
		}
	}
	return ew.err
}

// WriteCanText writes whether user can use priv on db and object, and through what.
func WriteCanText(w io.Writer, m *Model, user, priv, db, object string) error {
	ew := &errWriter{w: w}
	r := m.CanReport(user, priv, db, object)
	q := question(priv, db, object)
	verb := "cannot"
	if r.Allowed {
		verb = "can"
	}
	colon := "."
	if len(r.Paths) > 0 {
		colon = ":"
	}
	ew.printf("%s %s use %s%s\n", user, verb, q, colon)
	for _, p := range r.Paths {
		ew.printf("  %s\n", p.tail())
	}
	return ew.err
}

// WriteDeltaText writes the effective-access change of a plan for a terminal (Compress):
// first the changes many users share, once each with their users named compactly; then each
// other user under its own heading ("new user alice", "user bob", "dropped user eve"), one
// line per change, "⚠" before an escalation and its reason below it; then the privileges of
// each group the lines name, once.
func WriteDeltaText(w io.Writer, ds []UserDelta) error {
	ew := &errWriter{w: w}
	if len(ds) == 0 {
		ew.printf("Effective access: no change.\n")
		return ew.err
	}
	c := Compress(ds)
	ew.printf("Effective access changes:\n")
	if len(c.Folds) > 0 {
		ew.printf("\n")
	}
	for _, f := range c.Folds {
		ew.printf("  %s\n", f.sentence(plain))
		ew.printf("      %s\n", names(f.Users, plain))
		for _, fc := range f.Changes {
			writeUncertain(ew, fc.Change, "      %s\n")
		}
	}
	if len(c.Users) > 0 {
		ew.printf("\n")
	}
	for _, d := range c.Users {
		ew.printf("  %s\n", userHeading(d, plain))
		for _, b := range d.Gained {
			ch := b.Change
			mark := " "
			if ch.Escalation {
				mark = "⚠"
			}
			ew.printf("    %s gains %s\n", mark, ch.phrase(plain))
			if ch.Escalation {
				ew.printf("        escalation: %s\n", ch.Reason)
			}
			writeUncertain(ew, ch, "        %s\n")
		}
		for _, b := range d.Lost {
			ch := b.Change
			ew.printf("      loses %s\n", ch.phrase(plain))
			writeUncertain(ew, ch, "        %s\n")
		}
	}
	if len(c.Groups) > 0 {
		ew.printf("\nPrivileges of the groups named above:\n")
		for _, g := range c.Groups {
			ew.printf("  %s: %s\n", g.Label, strings.Join(g.Privileges, ", "))
		}
	}
	return ew.err
}

// userHeading introduces the changes of one user: "new user alice", "user bob".
func userHeading(d BriefUser, code func(string) string) string {
	switch d.UserKind {
	case NewUsers:
		return "new user " + code(d.User)
	case DroppedUsers:
		return "dropped user " + code(d.User)
	}
	return "user " + code(d.User)
}

func writeUncertain(ew *errWriter, c Change, format string) {
	for _, n := range c.Notes {
		if strings.HasPrefix(n, "uncertain:") {
			ew.printf(format, n)
		}
	}
}

// WriteDeltaMarkdown writes the effective-access change of a plan for a pull-request comment
// (Compress): a list of escalations first, each marked "⚠ **escalation**", then the changes
// many users share, then each other user's gains and losses; then the privileges of each
// group the list names, once, in a list of their own. Names are code spans and messages are
// escaped, so that nothing renders as emphasis or markup. It writes no heading, so that the
// caller places it. Each item is one line, so that a caller may cut the list at a line.
func WriteDeltaMarkdown(w io.Writer, ds []UserDelta) error {
	ew := &errWriter{w: w}
	if len(ds) == 0 {
		ew.printf("No change in effective access.\n")
		return ew.err
	}
	c := Compress(ds)
	code := markdown.Code
	var esc, shared, gain, loss []string
	for _, f := range c.Folds {
		shared = append(shared, fmt.Sprintf("- %s: %s", f.sentence(code), names(f.Users, code)))
	}
	for _, d := range c.Users {
		who := code(d.User)
		switch d.UserKind {
		case NewUsers:
			who += " (new user)"
		case DroppedUsers:
			who += " (dropped user)"
		}
		for _, b := range d.Gained {
			ch := b.Change
			line := fmt.Sprintf("%s gains %s", who, ch.phrase(code))
			if ch.Escalation {
				esc = append(esc, fmt.Sprintf("- ⚠ **escalation**: %s — %s", line, markdown.Text(ch.Reason)))
				continue
			}
			gain = append(gain, "- "+line)
		}
		for _, b := range d.Lost {
			ch := b.Change
			loss = append(loss, fmt.Sprintf("- %s loses %s", who, ch.phrase(code)))
		}
	}
	for _, l := range slices.Concat(esc, shared, gain, loss) {
		ew.printf("%s\n", l)
	}
	if len(c.Groups) > 0 {
		ew.printf("\nPrivileges of the groups named above:\n\n")
		for _, g := range c.Groups {
			ew.printf("- %s: %s\n", markdown.Text(g.Label), markdown.Text(strings.Join(g.Privileges, ", ")))
		}
	}
	return ew.err
}
