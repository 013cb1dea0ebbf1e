package access

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// Options say how the server behaves where the state alone does not tell.
type Options struct {
	// Version selects the built-in group contents; "" means privilege.V2_5.
	Version privilege.Version
	// BuiltinGroups are the built-in group contents as a live server reported them
	// (milvus.Live.BuiltinGroups); a group listed here overrides Version.
	BuiltinGroups map[string][]string
	// NoPublicGrants leaves out the grants Milvus gives role public by itself
	// (DescribeCollection and ListAliases Global, IndexDetail Collection, all on *.*), as on a
	// server run with common.security.enablePublicPrivilege=false. The zero value keeps them:
	// a Go bool defaults to false, so the option is named for the exception. A state that
	// holds role public (a live state) is used as read either way.
	NoPublicGrants bool
	// RootShouldBindRole models common.security.rootShouldBindRole=true (2.5.4+): root is
	// then checked like any user instead of passing every check.
	RootShouldBindRole bool
}

// Match says how an entry matches a request; it mirrors the clauses of Milvus's matcher.
type Match string

// Matches.
const (
	// MatchGlob: equal object type, database and object equal or "*", privilege equal or
	// "*" (the first clause of the casbin matcher).
	MatchGlob Match = "glob"
	// MatchExactDatabase: the request's database must equal the entry's exactly, "*"
	// included (dbMatch); any object type. All covers every privilege; a member of a v1
	// group ReadOnly/ReadWrite/Admin covers itself on the named collection or any.
	MatchExactDatabase Match = "exact_database"
	// MatchAdmin: role admin passes every check.
	MatchAdmin Match = "admin"
	// MatchRoot: root passes every check.
	MatchRoot Match = "root"
	// MatchNone: the entry matches no request (All on database "*", a group nested in a
	// custom group); listed so that a reviewer sees it.
	MatchNone Match = "none"
)

// PathKind says what a path goes through.
type PathKind string

// Path kinds.
const (
	PathGrant     PathKind = "grant"
	PathAdmin     PathKind = "admin"
	PathRoot      PathKind = "root"
	PathSelf      PathKind = "self"
	PathUncertain PathKind = "uncertain"
)

// Path is one way a user comes to hold an entry.
type Path struct {
	Kind PathKind `json:"kind"`
	// User is the user; empty in the paths of RoleCan.
	User string `json:"user,omitempty"`
	// Role is the role the grant belongs to ("admin" for PathAdmin, "public" for the
	// role every user holds).
	Role string `json:"role,omitempty"`
	// Grant is the grant as the role holds it.
	Grant *spec.Grant `json:"grant,omitempty"`
	// Groups are the privilege groups traversed from the grant to the privilege, the granted
	// group first: [CollectionAdmin CollectionReadWrite CollectionReadOnly] for Search
	// through a grant of CollectionAdmin.
	Groups []string `json:"groups,omitempty"`
	// Implied names the privilege Milvus grants together with Grant (GetLoadState with
	// Load, privilege.Related) when the state does not list it.
	Implied string `json:"implied,omitempty"`
	// Automatic marks a grant Milvus gives role public by itself.
	Automatic bool `json:"automatic,omitempty"`
	// Note explains a PathUncertain path.
	Note string `json:"note,omitempty"`
}

// Entry is one effective privilege of a user, with every path that gives it.
type Entry struct {
	// Privilege is a privilege name; "*" for the wildcard (every Global-type privilege);
	// "All"; "*" with Match admin or root for everything.
	Privilege string `json:"privilege"`
	// ObjectType is the object type Milvus checks the privilege on: Collection, Global or
	// User; "*" for admin and root.
	ObjectType string `json:"object_type"`
	// Database is the database the entry applies to; "*" for every database (under
	// MatchExactDatabase, "*" is a literal name that no ordinary request carries).
	Database string `json:"database"`
	// Object is the collection (Collection type), the user (User type) or "*". Global-type
	// entries always have "*": Milvus applies them to every object of the database.
	Object string `json:"object"`
	Match  Match  `json:"match"`
	Paths  []Path `json:"paths"`
	// Notes explain where Milvus's matching is subtle for this entry; a note that starts
	// with "uncertain:" marks a case the Milvus code and documentation leave open.
	Notes []string `json:"notes,omitempty"`
}

// Target renders where the entry applies: "sales.*", "user bob (database *)", "everything".
func (e Entry) Target() string {
	switch {
	case e.Match == MatchAdmin || e.Match == MatchRoot:
		return "everything"
	case e.ObjectType == privilege.ObjectUser:
		return fmt.Sprintf("user %s (database %s)", e.Object, e.Database)
	}
	return e.Database + "." + e.Object
}

// key identifies an entry without its paths and notes.
type key struct {
	Privilege, ObjectType, Database, Object string
	Match                                   Match
}

func (e Entry) key() key {
	return key{e.Privilege, e.ObjectType, e.Database, e.Object, e.Match}
}

func (k key) less(o key) bool {
	rank := func(m Match) int {
		switch m {
		case MatchRoot:
			return 0
		case MatchAdmin:
			return 1
		}
		return 2
	}
	switch {
	case rank(k.Match) != rank(o.Match):
		return rank(k.Match) < rank(o.Match)
	case (k.ObjectType == privilege.ObjectUser) != (o.ObjectType == privilege.ObjectUser):
		return o.ObjectType == privilege.ObjectUser
	case k.Database != o.Database:
		return k.Database < o.Database
	case k.Object != o.Object:
		return k.Object < o.Object
	case k.Privilege != o.Privilege:
		return k.Privilege < o.Privilege
	case k.ObjectType != o.ObjectType:
		return k.ObjectType < o.ObjectType
	}
	return k.Match < o.Match
}

// policy is one expanded grant of a role: what it matches and how it came about.
type policy struct {
	key   key
	path  Path
	notes []string
}

// userModel is what the model knows of one user.
type userModel struct {
	name    string
	roles   []string // direct roles, sorted, without public
	entries []Entry  // sorted
	notes   []string
	known   bool // listed in the state (root always is)
}

// Model is the effective access of every user of a state. Build it with Compute.
type Model struct {
	opts     Options
	state    *spec.State
	policies map[string][]policy // role -> expanded grants, public included
	users    map[string]*userModel
	notes    []string
}

// Compute builds the access model of s. s is not modified and may be nil (no users). The
// user root is always part of the model, as it is of every cluster.
func Compute(s *spec.State, o Options) *Model {
	if o.Version == "" {
		o.Version = privilege.V2_5
	}
	if s == nil {
		s = spec.NewState()
	}
	m := &Model{opts: o, state: s, policies: map[string][]policy{}, users: map[string]*userModel{}}
	for _, name := range s.RoleNames() {
		if name == spec.AdminRole {
			continue
		}
		m.policies[name] = m.rolePolicies(name, s.Roles[name].Grants)
	}
	if _, ok := s.Roles[spec.PublicRole]; !ok && !o.NoPublicGrants {
		m.policies[spec.PublicRole] = m.rolePolicies(spec.PublicRole, nil)
	}
	names := s.UserNames()
	if _, ok := s.Users[spec.RootUser]; !ok {
		names = append(names, spec.RootUser)
	}
	for _, name := range names {
		m.users[name] = m.userAccess(name)
	}
	return m
}

// publicAutomatic are the grants Milvus gives role public at start-up
// (root_coord.go initPublicRolePrivilege, common.security.enablePublicPrivilege).
var publicAutomatic = []spec.Grant{
	spec.NewGrant("DescribeCollection", privilege.Wildcard, privilege.Wildcard),
	spec.NewGrant("IndexDetail", privilege.Wildcard, privilege.Wildcard),
	spec.NewGrant("ListAliases", privilege.Wildcard, privilege.Wildcard),
}

func isAutomatic(role string, g spec.Grant) bool {
	return role == spec.PublicRole && slices.Contains(publicAutomatic, g)
}

// rolePolicies expands the grants of a role. Public gets its automatic grants unless the
// state lists public itself (a live state, whose public grants are the truth).
func (m *Model) rolePolicies(role string, grants []spec.Grant) []policy {
	gs := slices.Clone(grants)
	if _, listed := m.state.Roles[spec.PublicRole]; role == spec.PublicRole && !listed && !m.opts.NoPublicGrants {
		gs = append(gs, publicAutomatic...)
	}
	gs = spec.SortGrants(gs)
	held := map[spec.Grant]bool{}
	for _, g := range gs {
		held[g] = true
	}
	var out []policy
	for _, g := range gs {
		base := Path{Kind: PathGrant, Role: role, Grant: &g, Automatic: isAutomatic(role, g)}
		out = append(out, m.expand(g, base)...)
		// Milvus grants GetLoadState and GetLoadingProgress with Load, GetFlushState with
		// Flush; a desired state leaves them out (spec.CollapseImplied), a live one lists them.
		if _, isGroup := m.groupMembers(g.Privilege); !isGroup {
			for _, r := range privilege.Related[g.Privilege] {
				if held[spec.NewGrant(r, g.Database, g.Object)] {
					continue
				}
				p := base
				p.Implied = r
				out = append(out, m.member(r, g, p)...)
			}
		}
	}
	return out
}

// groupMembers returns the members of a custom group of the state or of a built-in group
// (server-reported contents first, then the catalogue of the version).
func (m *Model) groupMembers(name string) ([]string, bool) {
	if g, ok := m.state.Groups[name]; ok {
		return g.Privileges, true
	}
	if !privilege.IsBuiltinGroup(name) {
		return nil, false
	}
	if members, ok := m.opts.BuiltinGroups[name]; ok && len(m.opts.BuiltinGroups) > 0 {
		return members, true
	}
	return privilege.Members(name, m.opts.Version), true
}

// lowerGroup is the built-in group a built-in group includes: CollectionReadWrite for
// CollectionAdmin, CollectionReadOnly for CollectionReadWrite.
func lowerGroup(g string) string {
	if !privilege.IsBuiltinGroup(g) {
		return ""
	}
	switch {
	case strings.HasSuffix(g, "Admin"):
		return strings.TrimSuffix(g, "Admin") + "ReadWrite"
	case strings.HasSuffix(g, "ReadWrite"):
		return strings.TrimSuffix(g, "ReadWrite") + "ReadOnly"
	}
	return ""
}

// chain is the groups from built-in group g down to the lowest one of its level that holds
// p: [CollectionAdmin CollectionReadWrite CollectionReadOnly] for Search.
func (m *Model) chain(g, p string) []string {
	out := []string{g}
	for lower := lowerGroup(g); lower != ""; lower = lowerGroup(lower) {
		members, _ := m.groupMembers(lower)
		if !slices.Contains(members, p) {
			break
		}
		out = append(out, lower)
	}
	return out
}

// expand turns one grant into the policies rootcoord's expandPrivilegeGroups produces.
func (m *Model) expand(g spec.Grant, base Path) []policy {
	members, isGroup := m.groupMembers(g.Privilege)
	if !isGroup {
		return m.member(g.Privilege, g, base)
	}
	var out []policy
	for _, p := range members {
		path := base
		if privilege.IsBuiltinGroup(g.Privilege) {
			path.Groups = m.chain(g.Privilege, p)
		} else {
			path.Groups = []string{g.Privilege}
		}
		out = append(out, m.member(p, g, path)...)
	}
	return out
}

// Notes on subtle matching. They are worded without names so that a listing shows each once.
const (
	noteGlobalObject = "Global-type privilege granted on one object: Milvus applies it to every object of the " +
		"database (rootcoord's expandPrivilegeGroups sets the object of Global-type policies to \"*\")"
	noteWildcard = "\"*\" is stored as a Global grant: it covers every Global-type privilege of the database " +
		"(CreateCollection, CreateOwnership, ManageOwnership, ...) but no Collection-type (Insert, Search, ...) " +
		"or User-type one (uncertain: derived from the Milvus code, not confirmed against a server)"
	noteAll = "All covers every privilege of every object type, but only for requests in exactly this database: " +
		"Milvus compares the database of an All grant by equality (dbMatch), not as a pattern"
	noteAllInert = "All on database \"*\" matches no ordinary request: Milvus compares the database of an All " +
		"grant by equality, and a request names a real database (uncertain: a request whose context names " +
		"database \"*\" would match)"
	noteLegacy = "v1 privilege group (ReadOnly, ReadWrite, Admin): Milvus checks its members for requests in " +
		"exactly this database (dbMatch) and, whatever their object type, on the named collection or any"
	noteLegacyInert = "v1 privilege group on database \"*\": its members are checked by database equality, so " +
		"they match no ordinary request"
	noteClusterOnDatabase = "cluster-level privilege granted on one database: Milvus checks it against the " +
		"database the request names (\"default\" when none), so it works only for requests in this database"
	noteNestedGroup = "uncertain: a privilege group inside a custom group; Milvus does not support it " +
		"(maintainers, milvus-io/milvus#39086) and, by its code, the member matches no request"
	noteUnknownPrivilege = "uncertain: a privilege name this tool does not know; treated as a Global-type " +
		"privilege, as Milvus's GetObjectType does for names in no list"
	noteStoredType = "the grant is stored with another object type; since 2.4.18 Milvus derives the object " +
		"type from the privilege name when it loads grants, and the model follows it"
	noteImplied = "Milvus grants it together with the privilege it comes with (Load: GetLoadState, " +
		"GetLoadingProgress; Flush: GetFlushState)"
)

// legacyMembers are the v1 groups' contents (pkg/util/constant.go ReadOnlyPrivilegeGroup,
// ReadWritePrivilegeGroup, AdminPrivilegeGroup; 2.5 sizes 15, 31, 51). Milvus's proxy checks
// them itself (PrivilegeGroupContains); servers can override them with
// common.security.{readonly,readwrite,admin}.privileges, which the model does not know.
var legacyMembers = func() map[string][]string {
	ro := []string{"Query", "Search", "IndexDetail", "GetFlushState", "GetLoadState", "GetLoadingProgress",
		"HasPartition", "ShowPartitions", "ShowCollections", "ListAliases", "ListDatabases",
		"DescribeCollection", "DescribeDatabase", "DescribeAlias", "GetStatistics"}
	rw := append(slices.Clone(ro), "CreateIndex", "DropIndex", "CreatePartition", "DropPartition", "Load",
		"Release", "Insert", "Delete", "Upsert", "Import", "Flush", "Compaction", "LoadBalance",
		"RenameCollection", "CreateAlias", "DropAlias")
	admin := append(slices.Clone(rw), "CreateCollection", "DropCollection", "CreateOwnership", "DropOwnership",
		"SelectOwnership", "ManageOwnership", "SelectUser", "UpdateUser", "BackupRBAC", "RestoreRBAC",
		"CreateResourceGroup", "UpdateResourceGroups", "DropResourceGroup", "DescribeResourceGroup",
		"ListResourceGroups", "TransferReplica", "TransferNode", "CreateDatabase", "DropDatabase",
		"AlterDatabase")
	out := map[string][]string{"ReadOnly": ro, "ReadWrite": rw, "Admin": admin}
	for k, v := range out {
		slices.Sort(v)
		out[k] = v
	}
	return out
}()

// member is the policy of one privilege name p reached through grant g (createGrantEntity
// plus the matcher clause that will match it).
func (m *Model) member(p string, g spec.Grant, path Path) []policy {
	one := func(k key, notes ...string) []policy {
		return []policy{{key: k, path: path, notes: notes}}
	}
	var stored []string
	if len(path.Groups) == 0 && path.Implied == "" && g.ObjectType != "" && g.ObjectType != privilege.ObjectType(p) {
		stored = []string{noteStoredType}
	}
	switch {
	case p == privilege.Wildcard:
		return one(key{p, privilege.ObjectGlobal, g.Database, privilege.Wildcard, MatchGlob}, append(stored, noteWildcard)...)
	case p == "All":
		if g.Database == privilege.Wildcard {
			return one(key{p, privilege.ObjectGlobal, g.Database, privilege.Wildcard, MatchNone}, append(stored, noteAllInert)...)
		}
		return one(key{p, privilege.ObjectGlobal, g.Database, privilege.Wildcard, MatchExactDatabase}, append(stored, noteAll)...)
	case privilege.IsLegacyGroup(p):
		object := g.Object
		if privilege.ObjectType(p) == privilege.ObjectGlobal {
			object = privilege.Wildcard
		}
		match, note := MatchExactDatabase, noteLegacy
		if g.Database == privilege.Wildcard {
			match, note = MatchNone, noteLegacyInert
		}
		var out []policy
		for _, lm := range legacyMembers[p] {
			lp := path
			lp.Groups = append(slices.Clone(path.Groups), p)
			out = append(out, policy{key: key{lm, privilege.ObjectType(lm), g.Database, object, match}, path: lp, notes: []string{note}})
		}
		return out
	case len(path.Groups) > 0 && (privilege.IsBuiltinGroup(p) || m.state.Groups[p] != nil):
		return one(key{p, privilege.ObjectGlobal, g.Database, g.Object, MatchNone}, noteNestedGroup)
	}
	t := privilege.ObjectType(p)
	object := g.Object
	var notes []string
	if t == privilege.ObjectGlobal && object != privilege.Wildcard {
		object = privilege.Wildcard
		notes = append(notes, noteGlobalObject)
	}
	if privilege.LevelOf(p) == privilege.LevelCluster && g.Database != privilege.Wildcard {
		notes = append(notes, noteClusterOnDatabase)
	}
	if !privilege.Known(p) {
		notes = append(notes, noteUnknownPrivilege)
	}
	if path.Implied != "" {
		notes = append(notes, noteImplied)
	}
	return one(key{p, t, g.Database, object, MatchGlob}, append(stored, notes...)...)
}

// userAccess gathers the entries of one user.
func (m *Model) userAccess(name string) *userModel {
	u := &userModel{name: name}
	su, listed := m.state.Users[name]
	u.known = listed || name == spec.RootUser
	if listed {
		for _, r := range su.Roles {
			if r != spec.PublicRole {
				u.roles = append(u.roles, r)
			}
		}
		u.roles = spec.SortNames(u.roles)
	}
	entries := map[key]*Entry{}
	add := func(k key, p Path, notes []string) {
		e, ok := entries[k]
		if !ok {
			e = &Entry{Privilege: k.Privilege, ObjectType: k.ObjectType, Database: k.Database, Object: k.Object, Match: k.Match}
			entries[k] = e
		}
		p.User = name
		e.Paths = append(e.Paths, p)
		for _, n := range notes {
			if !slices.Contains(e.Notes, n) {
				e.Notes = append(e.Notes, n)
			}
		}
	}
	everything := key{privilege.Wildcard, privilege.Wildcard, privilege.Wildcard, privilege.Wildcard, MatchRoot}
	if name == spec.RootUser && !m.opts.RootShouldBindRole {
		add(everything, Path{Kind: PathRoot}, []string{"root passes every check unless the server sets common.security.rootShouldBindRole"})
	} else {
		for _, r := range append(slices.Clone(u.roles), spec.PublicRole) {
			switch _, ok := m.state.Roles[r]; {
			case r == spec.AdminRole:
				everything.Match = MatchAdmin
				add(everything, Path{Kind: PathAdmin, Role: r}, []string{"role admin passes every check: Milvus stores no grant for it"})
			case !ok && r != spec.PublicRole:
				u.notes = append(u.notes, fmt.Sprintf("uncertain: role %s is not in the state, so its grants are unknown "+
					"(a role the platform creates, such as Zilliz Cloud's db_admin, db_rw, db_ro?)", r))
			}
			for _, p := range m.policies[r] {
				add(p.key, p.path, p.notes)
			}
		}
	}
	if !u.known {
		u.notes = append(u.notes, fmt.Sprintf("user %s is not in the state", name))
	}
	for _, e := range entries {
		sort.SliceStable(e.Paths, func(i, j int) bool { return e.Paths[i].String() < e.Paths[j].String() })
		u.entries = append(u.entries, *e)
	}
	sort.Slice(u.entries, func(i, j int) bool { return u.entries[i].key().less(u.entries[j].key()) })
	return u
}

// Users returns the names of the model's users, root included, sorted.
func (m *Model) Users() []string { return slices.Sorted(maps.Keys(m.users)) }

// Roles returns the roles the state gives user directly (public, held by every user, is not
// listed), sorted; nil for an unknown user.
func (m *Model) Roles(user string) []string {
	if u, ok := m.users[user]; ok {
		return slices.Clone(u.roles)
	}
	return nil
}

// User returns the effective access of a user: every entry, sorted by database, then object,
// then privilege (root and admin first, User-type objects last), so that entries of one
// database and collection are adjacent. It returns nil for a user the model does not hold.
func (m *Model) User(name string) []Entry {
	u, ok := m.users[name]
	if !ok {
		return nil
	}
	return slices.Clone(u.entries)
}

// Notes returns what the model could not determine about a user ("uncertain: role X is not in
// the state ..."), sorted.
func (m *Model) Notes(user string) []string {
	u, ok := m.users[user]
	if !ok {
		return []string{fmt.Sprintf("user %s is not in the state", user)}
	}
	out := slices.Clone(u.notes)
	sort.Strings(out)
	return out
}

// BuiltinGroupSource says where the model took built-in group contents from: "server" when
// Options.BuiltinGroups was given, else the Milvus version ("2.5").
func (m *Model) BuiltinGroupSource() string {
	if len(m.opts.BuiltinGroups) > 0 {
		return "server"
	}
	return string(m.opts.Version)
}
