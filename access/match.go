package access

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// request is a privilege check as the proxy makes it, with "some database" and "some object"
// standing for a question about any of them.
type request struct {
	priv, objectType, db, object string
	anyDB, anyObject             bool
}

// newRequest builds the check for privilege priv on database db and collection (or user)
// object. db "" is "default", as Milvus uses when a request names none; db "*" means some
// database. object "" or "*" means some object, or none (a request that names no object).
func newRequest(priv, db, object string) request {
	r := request{priv: priv, objectType: privilege.ObjectType(priv), db: db, object: object}
	switch db {
	case "":
		r.db = privilege.DefaultDatabase
	case privilege.Wildcard:
		r.anyDB = true
	}
	if object == "" || object == privilege.Wildcard {
		r.object, r.anyObject = privilege.Wildcard, true
	}
	return r
}

// matches reports whether an entry lets request r through: the casbin matcher of
// privilege_interceptor.go, clause by clause.
func (k key) matches(r request) bool {
	switch k.Match {
	case MatchRoot, MatchAdmin:
		return true
	case MatchGlob:
		// r.sub == p.sub && globMatch(r.obj, p.obj) && globMatch(r.act, p.act), with objects
		// "<type>-<db>.<object>": the types must be equal, "*" in the policy matches anything.
		return k.ObjectType == r.objectType &&
			(k.Privilege == privilege.Wildcard || k.Privilege == r.priv) &&
			(k.Database == privilege.Wildcard || r.anyDB || k.Database == r.db) &&
			(k.Object == privilege.Wildcard || r.anyObject || k.Object == r.object)
	case MatchExactDatabase:
		// dbMatch(r.obj, p.obj) && privilegeGroupContains(...): databases equal as strings.
		if r.anyDB {
			if k.Database == privilege.Wildcard {
				return false
			}
		} else if k.Database != r.db {
			return false
		}
		if k.Privilege == "All" {
			return true
		}
		// A v1 group member: collMatch (either side "*", or equal), any object type.
		return k.Privilege == r.priv && (k.Object == privilege.Wildcard || r.anyObject || k.Object == r.object)
	}
	return false
}

// Can reports whether user may use privilege priv on database db and collection (or, for a
// User-type privilege, user) object, with every path that allows it, sorted.
//
// db "" is "default" (Milvus's database when a request names none) and db "*" asks about
// some database; object "" or "*" asks about some object of the database (or a request that
// names none). A user may always use SelectUser and UpdateUser on itself. When the answer
// is no but the user holds a role the state does not describe, the one path returned is a
// PathUncertain one saying so.
func (m *Model) Can(user, priv, db, object string) (bool, []Path) {
	u, ok := m.users[user]
	if !ok {
		return false, nil
	}
	r := newRequest(priv, db, object)
	var paths []Path
	for _, e := range u.entries {
		if e.key().matches(r) {
			paths = append(paths, e.Paths...)
		}
	}
	// isCurUserObject: a user may select and update its own user object.
	if r.objectType == privilege.ObjectUser && !r.anyObject && r.object == user {
		paths = append(paths, Path{Kind: PathSelf, User: user})
	}
	if len(paths) == 0 {
		for _, n := range u.notes {
			if strings.HasPrefix(n, "uncertain:") {
				paths = append(paths, Path{Kind: PathUncertain, User: user, Note: n})
			}
		}
		return false, paths
	}
	return true, sortPaths(paths)
}

// RoleCan reports whether role (with no user) may use privilege priv on db and object, as Can
// does for a user, with the paths of that role only; public's grants are not added. Role
// admin always may.
func (m *Model) RoleCan(role, priv, db, object string) (bool, []Path) {
	if role == spec.AdminRole {
		return true, []Path{{Kind: PathAdmin, Role: role}}
	}
	r := newRequest(priv, db, object)
	var paths []Path
	for _, p := range m.policies[role] {
		if p.key.matches(r) {
			paths = append(paths, p.path)
		}
	}
	return len(paths) > 0, sortPaths(paths)
}

func sortPaths(ps []Path) []Path {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].String() < ps[j].String() })
	return slices.CompactFunc(ps, func(a, b Path) bool { return a.String() == b.String() })
}

// Holder is a user who can use a privilege, and how.
type Holder struct {
	User string `json:"user"`
	// Uncertain is true when the model cannot tell: the user holds a role the state does not
	// describe. Paths then holds one PathUncertain path.
	Uncertain bool   `json:"uncertain,omitempty"`
	Paths     []Path `json:"paths"`
}

// Who lists the users who can use privilege priv on db and object (as Can reads them), root
// included, sorted by name, followed by the users the model cannot decide for (Uncertain).
func (m *Model) Who(priv, db, object string) []Holder {
	var sure, unsure []Holder
	for _, name := range m.Users() {
		ok, paths := m.Can(name, priv, db, object)
		switch {
		case ok:
			sure = append(sure, Holder{User: name, Paths: paths})
		case len(paths) > 0:
			unsure = append(unsure, Holder{User: name, Uncertain: true, Paths: paths})
		}
	}
	return append(sure, unsure...)
}

// ParseTarget splits "db.collection" as the access command takes it: "sales.orders",
// "sales" (some collection of sales), "*.orders", "" (anywhere). For a User-type privilege
// the part after the dot names a user.
func ParseTarget(s string) (db, object string, err error) {
	if s == "" {
		return privilege.Wildcard, "", nil
	}
	db, object, _ = strings.Cut(s, ".")
	if db == "" || strings.Contains(object, ".") || strings.ContainsAny(s, " \t") {
		return "", "", fmt.Errorf("%q is not DATABASE[.COLLECTION]: name a database, then optionally a dot and a collection (or user)", s)
	}
	return db, object, nil
}

// String renders a path for people: "user_2 → role writer → grant CollectionReadWrite on
// sales.* → group CollectionReadWrite → CollectionReadOnly".
func (p Path) String() string {
	head := ""
	if p.User != "" {
		head = p.User + " → "
	}
	return head + p.tail()
}

// tail is the path without the user.
func (p Path) tail() string {
	switch p.Kind {
	case PathRoot:
		return "root (passes every check)"
	case PathAdmin:
		return "role admin (passes every check)"
	case PathSelf:
		return "own user object (a user may always select and update itself)"
	case PathUncertain:
		return p.Note
	}
	var b strings.Builder
	b.WriteString("role " + p.Role)
	if p.Role == spec.PublicRole {
		b.WriteString(" (every user)")
	}
	if p.Grant != nil {
		b.WriteString(" → ")
		if p.Automatic {
			b.WriteString("automatic ")
		}
		b.WriteString("grant " + p.Grant.String())
	}
	if len(p.Groups) > 0 {
		b.WriteString(" → group " + strings.Join(p.Groups, " → "))
	}
	if p.Implied != "" {
		fmt.Fprintf(&b, " → %s (granted with %s)", p.Implied, p.Grant.Privilege)
	}
	return b.String()
}
