package access

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/milvus-rbac/milvus-rbac/privilege"
)

// FormatVersion is the format_version of the JSON documents of this package, "MAJOR.MINOR"
// under the rule every JSON document of milvus-rbac follows (docs/json-formats.md).
const FormatVersion = "1.0"

// Format is an output format of the access command.
type Format string

// Formats.
const (
	FormatText Format = "text"
	FormatJSON Format = "json"
)

// ParseFormat accepts "text" (also "") and "json".
func ParseFormat(s string) (Format, error) {
	switch s {
	case "", "text":
		return FormatText, nil
	case "json":
		return FormatJSON, nil
	}
	return "", fmt.Errorf("unknown format %q: use text or json", s)
}

// UserAccess is one user's effective access, as the JSON of `access --user` carries it.
type UserAccess struct {
	User string `json:"user"`
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
		r.Users = append(r.Users, UserAccess{User: u, Roles: roles, Entries: es, Notes: m.Notes(u)})
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

// WriteDeltaText writes the effective-access change of a plan for a terminal: one line per
// change, "⚠" before an escalation and its reason below it.
func WriteDeltaText(w io.Writer, ds []UserDelta) error {
	ew := &errWriter{w: w}
	if len(ds) == 0 {
		ew.printf("Effective access: no change.\n")
		return ew.err
	}
	ew.printf("Effective access changes:\n")
	for _, d := range ds {
		writeDeltaHead(ew, d, plain, "  %s\n")
		for _, c := range d.Gained {
			mark := " "
			if c.Escalation {
				mark = "⚠"
			}
			ew.printf("  %s %s gains %s\n", mark, d.User, c.phrase(plain))
			if len(c.Privileges) > 0 && c.Privilege != "public" {
				ew.printf("      %s\n", strings.Join(c.Privileges, ", "))
			}
			if c.Escalation {
				ew.printf("      escalation: %s\n", c.Reason)
			}
			writeUncertain(ew, c, "      %s\n")
		}
		for _, c := range d.Lost {
			ew.printf("    %s loses %s\n", d.User, c.phrase(plain))
			writeUncertain(ew, c, "      %s\n")
		}
	}
	return ew.err
}

func writeDeltaHead(ew *errWriter, d UserDelta, code func(string) string, format string) {
	switch {
	case d.Created:
		ew.printf(format, "new user "+code(d.User)+":")
	case d.Dropped:
		ew.printf(format, "dropped user "+code(d.User)+":")
	}
}

func writeUncertain(ew *errWriter, c Change, format string) {
	for _, n := range c.Notes {
		if strings.HasPrefix(n, "uncertain:") {
			ew.printf(format, n)
		}
	}
}

// WriteDeltaMarkdown writes the effective-access change of a plan as a markdown list for a
// pull-request comment: escalations first and marked "⚠ **escalation**", then the other
// gains, then losses. It writes no heading, so that the caller places it.
func WriteDeltaMarkdown(w io.Writer, ds []UserDelta) error {
	ew := &errWriter{w: w}
	if len(ds) == 0 {
		ew.printf("No change in effective access.\n")
		return ew.err
	}
	code := func(s string) string { return "`" + s + "`" }
	var esc, gain, loss []string
	for _, d := range ds {
		who := code(d.User)
		switch {
		case d.Created:
			who += " (new user)"
		case d.Dropped:
			who += " (dropped user)"
		}
		for _, c := range d.Gained {
			line := fmt.Sprintf("%s gains %s", who, c.phrase(code))
			if len(c.Privileges) > 0 && c.Privilege != "public" {
				line += ": " + strings.Join(c.Privileges, ", ")
			}
			if c.Escalation {
				esc = append(esc, fmt.Sprintf("- ⚠ **escalation**: %s — %s", line, c.Reason))
				continue
			}
			gain = append(gain, "- "+line)
		}
		for _, c := range d.Lost {
			loss = append(loss, fmt.Sprintf("- %s loses %s", who, c.phrase(code)))
		}
	}
	for _, l := range slices.Concat(esc, gain, loss) {
		ew.printf("%s\n", l)
	}
	return ew.err
}
