package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/milvus-rbac/milvus-rbac/privilege"
)

// Names Milvus creates itself. They are never created, changed or dropped by a plan.
const (
	RootUser   = "root"
	AdminRole  = "admin"
	PublicRole = "public"
)

// State is a set of users, roles and custom privilege groups: the desired state of a spec file
// or the live state of a cluster. Maps are keyed by name.
type State struct {
	Users  map[string]*User
	Roles  map[string]*Role
	Groups map[string]*PrivilegeGroup
}

// NewState returns an empty State with its maps allocated.
func NewState() *State {
	return &State{
		Users:  map[string]*User{},
		Roles:  map[string]*Role{},
		Groups: map[string]*PrivilegeGroup{},
	}
}

// User is a Milvus user and the roles given to it directly (public is implicit and never
// listed). Roles is sorted and free of duplicates.
type User struct {
	Name string
	// Description documents the user; Milvus keeps it from 2.6.19 (release.Descriptions).
	Description string `json:",omitempty"`
	Roles       []string
	// Password is where the desired password comes from; nil for a live user, whose
	// password cannot be read back.
	Password *Secret
	// PreviousPassword is where the password to rotate from comes from: Milvus changes a
	// password only when given the old one. nil when the file names none.
	PreviousPassword *Secret
}

// Role is a Milvus role and its grants, sorted and free of duplicates.
type Role struct {
	Name string
	// Description documents the role; Milvus keeps it from 2.6.19 (release.Descriptions).
	Description string `json:",omitempty"`
	Grants      []Grant
}

// Grant is one privilege of a role, in the normalised form Milvus stores and reports it:
// the object type derived from the privilege (privilege.ObjectType), the database ("*" for
// all) and the object name (a collection, a user for User privileges, or "*").
type Grant struct {
	ObjectType string `json:"object_type"`
	Privilege  string `json:"privilege"`
	Database   string `json:"database"`
	Object     string `json:"object"`
}

// PrivilegeGroup is a custom privilege group and its privileges, sorted and free of
// duplicates.
type PrivilegeGroup struct {
	Name string
	// Description documents the group in the file only: no release of Milvus keeps one.
	Description string `json:",omitempty"`
	Privileges  []string
}

// MaxDescription is the longest description a spec file accepts, in bytes.
const MaxDescription = 1024

// NewGrant builds the normalised grant of privilege on database and object, deriving the
// object type as grant_privilege_v2 does.
func NewGrant(priv, database, object string) Grant {
	return Grant{ObjectType: privilege.ObjectType(priv), Privilege: priv, Database: database, Object: object}
}

// Target is where the grant applies, "db.object" (for User grants, "db.user").
func (g Grant) Target() string { return g.Database + "." + g.Object }

// String renders the grant for people: "Search on default.books".
func (g Grant) String() string {
	if g.ObjectType == privilege.ObjectUser {
		return fmt.Sprintf("%s on user %s (database %s)", g.Privilege, g.Object, g.Database)
	}
	return fmt.Sprintf("%s on %s", g.Privilege, g.Target())
}

// Less orders grants by database, object, privilege, then object type.
func (g Grant) Less(o Grant) bool {
	if g.Database != o.Database {
		return g.Database < o.Database
	}
	if g.Object != o.Object {
		return g.Object < o.Object
	}
	if g.Privilege != o.Privilege {
		return g.Privilege < o.Privilege
	}
	return g.ObjectType < o.ObjectType
}

// SortGrants sorts grants in place and removes duplicates.
func SortGrants(gs []Grant) []Grant {
	sort.Slice(gs, func(i, j int) bool { return gs[i].Less(gs[j]) })
	out := gs[:0]
	for i, g := range gs {
		if i == 0 || g != gs[i-1] {
			out = append(out, g)
		}
	}
	return out
}

// SortNames sorts names in place and removes duplicates.
func SortNames(ns []string) []string {
	sort.Strings(ns)
	out := ns[:0]
	for i, n := range ns {
		if i == 0 || n != ns[i-1] {
			out = append(out, n)
		}
	}
	return out
}

// UserNames returns the names of s's users, sorted.
func (s *State) UserNames() []string { return sortedKeys(s.Users) }

// RoleNames returns the names of s's roles, sorted.
func (s *State) RoleNames() []string { return sortedKeys(s.Roles) }

// GroupNames returns the names of s's privilege groups, sorted.
func (s *State) GroupNames() []string { return sortedKeys(s.Groups) }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Digest is "sha256:<hex>" of s in a canonical form (names sorted, grants sorted), so that two
// reads of an unchanged cluster give the same digest.
func (s *State) Digest() string {
	b, err := json.Marshal(s)
	if err != nil {
		// A State holds only strings, slices and maps of them: it always marshals.
		panic(fmt.Sprintf("marshal state: %v", err))
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}
