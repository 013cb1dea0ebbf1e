package emulator

import (
	"fmt"
	"sort"
	"strings"

	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/release"
)

// Leftover keys: storage keys with an empty segment, which no request of the REST API can write
// but which servers have been found holding (milvus#49989, milvus#46825: "historical
// trailing-slash keys", PR #50058). Tests plant them with PlantGrantKey and
// PlantRoleMappingKey to meet the answers such a server gives.

// PlantGrantKey stores a grant key of role with raw segments, as storage left behind by earlier
// releases may hold it: objectType and dbObject ("<db>.<object>") are the segments of the
// grantee key, privilege the last segment of the grantee-id key; any may be empty. roles/describe
// then lists it as kv_catalog.go ListGrant parses it (funcutil.SplitObjectName: no "." means
// database "default"): with an empty objectType, objectName or privilege. From 2.6.19
// (release.EmptyGrantKeysSkipped, #50544) a key with a wholly empty segment is skipped, but
// "default." still gives an empty objectName. A listed leftover counts as a grant when the role
// is dropped, and no request can revoke it.
func (s *Server) PlantGrantKey(roleName, objectType, dbObject, priv string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.st.roles[roleName]
	if !ok {
		return fmt.Errorf("emulator: role %q does not exist", roleName)
	}
	r.leftovers = append(r.leftovers, rawGrantKey{objectType, dbObject, priv})
	return nil
}

// PlantRoleMappingKey stores a role-mapping key "<user>/" with an empty role segment. Until
// 2.6.19 (release.EmptyGrantKeysSkipped, #50544 also covers getRolesByUsername) users/describe
// lists a "" role for it, whatever the release's prefix lookup.
func (s *Server) PlantRoleMappingKey(userName string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.st.users[userName]
	if !ok {
		return fmt.Errorf("emulator: user %q does not exist", userName)
	}
	u.leftoverMappings++
	return nil
}

// listedGrant is one entry of roles/describe.
type listedGrant struct {
	objectType, db, object, privilege, grantor string
	dbObject                                   string // the key segment, for key order
}

// listGrants is kv_catalog.go ListGrant for a role and a requested database: its grants and the
// leftovers the release lists, whose database is the requested one or "*", or every one when
// "*" is requested, in key order. Callers hold s.mu.
func (s *Server) listGrants(r *role, db string) []listedGrant {
	var out []listedGrant
	keep := func(grantDB string) bool {
		return grantDB == db || grantDB == privilege.Wildcard || db == privilege.Wildcard
	}
	for k, grantor := range r.grants {
		if keep(k.db) {
			out = append(out, listedGrant{k.objectType, k.db, k.object, k.privilege, grantor, k.db + "." + k.object})
		}
	}
	for _, k := range r.leftovers {
		if s.prof.Has(release.EmptyGrantKeysSkipped) && (blank(k.objectType) || blank(k.dbObject) || blank(k.privilege)) {
			continue
		}
		grantDB, object := splitObjectName(k.dbObject)
		if keep(grantDB) {
			out = append(out, listedGrant{k.objectType, grantDB, object, k.privilege, rootUser, k.dbObject})
		}
	}
	// etcd key order: the grantee key "<objectType>/<dbObject>", then the privilege under its id.
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.objectType != b.objectType {
			return a.objectType < b.objectType
		}
		if a.dbObject != b.dbObject {
			return a.dbObject < b.dbObject
		}
		return a.privilege < b.privilege
	})
	return out
}

// blank is funcutil.IsEmptyString.
func blank(s string) bool { return strings.TrimSpace(s) == "" }

// splitObjectName is funcutil.SplitObjectName: "<db>.<object>", or "default" and the whole name
// when there is no ".".
func splitObjectName(s string) (db, object string) {
	if !strings.Contains(s, ".") {
		return privilege.DefaultDatabase, s
	}
	parts := strings.Split(s, ".")
	return parts[0], parts[1]
}
