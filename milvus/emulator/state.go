package emulator

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"sort"

	"github.com/milvus-rbac/milvus-rbac/privilege"
)

// Names Milvus creates itself.
const (
	rootUser   = "root"
	adminRole  = "admin"
	publicRole = "public"
)

// state is what etcd holds for RBAC. Its maps are only touched with Server.mu held.
type state struct {
	users  map[string]*user
	roles  map[string]*role
	groups map[string]*group
	dbs    map[string]*database
}

type user struct {
	pwHash      [32]byte
	roles       map[string]bool
	description string // release.Descriptions
	// leftoverMappings counts role-mapping keys "<user>/" with an empty role segment, left
	// behind by earlier releases (PlantRoleMappingKey).
	leftoverMappings int
}

type role struct {
	description string              // release.Descriptions
	grants      map[grantKey]string // -> grantor
	leftovers   []rawGrantKey       // PlantGrantKey
}

// rawGrantKey is a stored grant key by its raw segments: "<objectType>/<dbObject>" under the
// role, and the privilege under the grantee id. Any segment may be empty in keys that earlier
// releases left behind (milvus#49989).
type rawGrantKey struct {
	objectType, dbObject, privilege string
}

// grantKey is the storage key of a grant (kv_catalog.AlterGrant:
// GranteePrefix/<role>/<objectType>/<db>.<objectName> + /<privilege>): v1 and v2 grants with the
// same four parts are the same grant.
type grantKey struct {
	objectType string
	db         string
	object     string
	privilege  string
}

// group is a custom privilege group. members is kept in the order the server would store it:
// lo.Keys of a Go map, i.e. reshuffled at every change.
type group struct {
	members []string
}

func newState(opts Options) *state {
	st := &state{users: map[string]*user{}, roles: map[string]*role{}, groups: map[string]*group{}}
	seedDatabases(st, opts)
	st.users[rootUser] = &user{pwHash: hashPassword(rootUser, opts.RootPassword), roles: map[string]bool{}}
	for _, r := range append([]string{adminRole, publicRole}, opts.BuiltinRoles...) {
		st.roles[r] = &role{grants: map[grantKey]string{}}
	}
	if !opts.NoPublicPrivileges {
		// root_coord.go initPublicRolePrivilege: grantor root, dbName "*", objectName "*".
		for _, p := range []struct{ objectType, priv string }{
			{privilege.ObjectGlobal, "DescribeCollection"},
			{privilege.ObjectGlobal, "ListAliases"},
			{privilege.ObjectCollection, "IndexDetail"},
		} {
			st.roles[publicRole].grants[grantKey{p.objectType, privilege.Wildcard, privilege.Wildcard, p.priv}] = rootUser
		}
	}
	return st
}

// hashPassword keeps no password in clear, in the spirit of Milvus' SHA-256 cache.
func hashPassword(name, password string) [32]byte {
	return sha256.Sum256([]byte(name + "\x00" + password))
}

func (u *user) passwordIs(name, password string) bool {
	h := hashPassword(name, password)
	return subtle.ConstantTimeCompare(h[:], u.pwHash[:]) == 1
}

// sortedGrants returns the grant keys of r in etcd key order: object type, then
// "<db>.<object>", then privilege.
func (r *role) sortedGrants() []grantKey {
	out := make([]grantKey, 0, len(r.grants))
	for k := range r.grants {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.objectType != b.objectType {
			return a.objectType < b.objectType
		}
		if ta, tb := a.db+"."+a.object, b.db+"."+b.object; ta != tb {
			return ta < tb
		}
		return a.privilege < b.privilege
	})
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// setMembers stores members in a fresh random order, as lo.Keys(privSet) does on the server.
// Callers hold s.mu.
func (s *Server) setMembers(g *group, set map[string]bool) {
	g.members = sortedKeys(set) // a fixed starting point, so that Seed alone decides the order
	s.rng.Shuffle(len(g.members), func(i, j int) { g.members[i], g.members[j] = g.members[j], g.members[i] })
}

// Grant is one stored grant of a role as roles/describe reports it. The field names follow
// spec.Grant so that tests can compare the two.
type Grant struct {
	ObjectType string
	Privilege  string
	Database   string
	Object     string
	Grantor    string
}

// The methods below read and write the state directly, for other packages' tests. They skip
// the server's validation, limits and related privileges on purpose: they set up exactly the
// live state a test asks for. They still refuse what the state cannot hold (a grant to a role
// that does not exist, a duplicate name).

// CreateUser adds a user with password, as users/create would without its checks.
func (s *Server) CreateUser(name, password string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.st.users[name]; ok {
		return fmt.Errorf("emulator: user %q already exists", name)
	}
	s.st.users[name] = &user{pwHash: hashPassword(name, password), roles: map[string]bool{}}
	return nil
}

// CreateRole adds a role.
func (s *Server) CreateRole(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.st.roles[name]; ok {
		return fmt.Errorf("emulator: role %q already exists", name)
	}
	s.st.roles[name] = &role{grants: map[grantKey]string{}}
	return nil
}

// Grant stores one grant exactly as given (no object-type derivation, no forced object name,
// no related privileges), with grantor root. Granting twice is a no-op, as on the server.
func (s *Server) Grant(roleName, objectType, priv, db, object string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.st.roles[roleName]
	if !ok {
		return fmt.Errorf("emulator: role %q does not exist", roleName)
	}
	k := grantKey{objectType, db, object, priv}
	if _, ok := r.grants[k]; !ok {
		r.grants[k] = rootUser
	}
	return nil
}

// AddUserRole gives role to user.
func (s *Server) AddUserRole(userName, roleName string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.st.users[userName]
	if !ok {
		return fmt.Errorf("emulator: user %q does not exist", userName)
	}
	if _, ok := s.st.roles[roleName]; !ok {
		return fmt.Errorf("emulator: role %q does not exist", roleName)
	}
	u.roles[roleName] = true
	return nil
}

// CreatePrivilegeGroup adds a custom privilege group holding privileges (in a random stored
// order, as the server keeps it).
func (s *Server) CreatePrivilegeGroup(name string, privileges ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.st.groups[name]; ok {
		return fmt.Errorf("emulator: privilege group %q already exists", name)
	}
	g := &group{}
	set := map[string]bool{}
	for _, p := range privileges {
		set[p] = true
	}
	s.setMembers(g, set)
	s.st.groups[name] = g
	return nil
}

// Users returns every user (root included) and its directly granted roles, sorted.
func (s *Server) Users() map[string][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string][]string, len(s.st.users))
	for name, u := range s.st.users {
		out[name] = sortedKeys(u.roles)
	}
	return out
}

// Roles returns every role (admin, public and config built-ins included), sorted.
func (s *Server) Roles() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedKeys(s.st.roles)
}

// Grants returns the stored grants of role across all databases, in the order roles/describe
// lists them; nil when the role does not exist. Keys planted with PlantGrantKey are not grants
// and are left out.
func (s *Server) Grants(roleName string) []Grant {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.st.roles[roleName]
	if !ok {
		return nil
	}
	out := []Grant{}
	for _, k := range r.sortedGrants() {
		out = append(out, Grant{ObjectType: k.objectType, Privilege: k.privilege, Database: k.db, Object: k.object, Grantor: r.grants[k]})
	}
	return out
}

// Groups returns the custom privilege groups and their privileges, sorted. Built-in groups are
// not included.
func (s *Server) Groups() map[string][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string][]string, len(s.st.groups))
	for name, g := range s.st.groups {
		ms := append([]string{}, g.members...)
		sort.Strings(ms)
		out[name] = ms
	}
	return out
}

// CheckPassword reports whether user exists and password is its password.
func (s *Server) CheckPassword(userName, password string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.st.users[userName]
	return ok && u.passwordIs(userName, password)
}
