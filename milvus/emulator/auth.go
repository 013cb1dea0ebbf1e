package emulator

import (
	"net/http"
	"strings"

	"github.com/milvus-rbac/milvus-rbac/privilege"
)

// caller is who sent a request and the database its context names.
type caller struct {
	user     string // "" when authorization is disabled: the server then knows no user
	headerDB string // the DB-Name header
}

// db is the database of the request context (wrapperPost): the body's dbName on requests that
// have one, else the DB-Name header, else "default".
func (c *caller) db(bodyDB string) string {
	switch {
	case bodyDB != "":
		return bodyDB
	case c.headerDB != "":
		return c.headerDB
	}
	return privilege.DefaultDatabase
}

// authenticate is the authenticate middleware of internal/distributed/proxy/service.go, installed only when
// authorization is enabled: Basic auth, else "Authorization: [Bearer ]user:password" split at
// the first colon, else an API key, which open-source Milvus never accepts.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*caller, *apiError) {
	c := &caller{headerDB: r.Header.Get("DB-Name")}
	if s.opts.AuthorizationDisabled {
		return c, nil
	}
	name, password, ok := r.BasicAuth()
	if ok {
		w.Header().Set("WWW-Authenticate", `Basic realm="restricted", charset="UTF-8"`)
	} else {
		token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if i := strings.IndexAny(token, ":"); i != -1 {
			name, password = token[:i], token[i+1:]
		}
	}
	if name != "" && password != "" {
		s.mu.Lock()
		u, exists := s.st.users[name]
		good := exists && u.passwordIs(name, password)
		s.mu.Unlock()
		if good {
			c.user = name
			return c, nil
		}
	}
	// A token without a colon would go to hookutil's VerifyAPIKey, whose default hook always
	// fails: the answer is the same 401.
	return nil, errUnauthenticated
}

// authorize is the PrivilegeInterceptor for a request that needs priv on an object of
// objectType named objectName, in database db. Callers hold s.mu.
func (s *Server) authorize(c *caller, objectType, priv, objectName, db string) *apiError {
	if s.opts.AuthorizationDisabled || c.user == rootUser {
		return nil
	}
	roles := s.callerRoles(c)
	for _, r := range roles {
		if r == adminRole { // casbin matcher: r.sub == "admin"
			return nil
		}
	}
	if objectType == privilege.ObjectUser && objectName == c.user { // isCurUserObject
		return nil
	}
	for _, name := range roles {
		if r, ok := s.st.roles[name]; ok {
			for k := range r.grants {
				if s.covers(k, objectType, priv, objectName, db) {
					return nil
				}
			}
		}
	}
	return errPermissionDenied(priv, c.user, db)
}

// callerRoles returns the roles of the caller plus public, which every user has implicitly.
// Callers hold s.mu.
func (s *Server) callerRoles(c *caller) []string {
	var out []string
	if u, ok := s.st.users[c.user]; ok {
		out = sortedKeys(u.roles)
	}
	return append(out, publicRole)
}

// legacyAdminRBAC are the privileges of the v1 group Admin (util.AdminPrivilegeGroup) that RBAC
// endpoints ask for.
var legacyAdminRBAC = map[string]bool{
	"CreateOwnership": true, "DropOwnership": true, "SelectOwnership": true, "ManageOwnership": true,
	"SelectUser": true, "UpdateUser": true, "BackupRBAC": true, "RestoreRBAC": true,
}

// covers reports whether grant k lets a role use priv on objectType/objectName in db. It follows
// the casbin model of privilege_interceptor.go:
//
//	r.sub == p.sub && globMatch(r.obj, p.obj) && globMatch(r.act, p.act)
//	|| r.sub == "admin"
//	|| r.sub == p.sub && dbMatch(r.obj, p.obj) && privilegeGroupContains(r.act, p.act, r.obj, p.obj)
//
// with objects "<type>-<db>.<name>". Privilege groups (built-in and custom) reach the first
// clause after rootcoord's ListPolicy expands them into one policy per member, each with the
// member's own object type. The third clause matches "All" and the legacy group Admin only on an
// exact database match: a grant of All on dbName "*" does not cover requests in "default".
// That is what the Milvus source does; it is stricter than one might guess, and the emulator
// keeps it.
func (s *Server) covers(k grantKey, objectType, priv, objectName, db string) bool {
	if glob(k.db, db) && glob(k.object, objectName) {
		if k.objectType == objectType && (k.privilege == priv || k.privilege == privilege.Wildcard) {
			return true
		}
		if privilege.ObjectType(priv) == objectType {
			for _, m := range s.groupMembers(k.privilege) {
				if m == priv {
					return true
				}
			}
		}
	}
	return k.db == db && (k.privilege == "All" || (k.privilege == "Admin" && legacyAdminRBAC[priv]))
}

// glob is casbin's globMatch for the names Milvus allows: "*" matches anything.
func glob(pattern, name string) bool { return pattern == privilege.Wildcard || pattern == name }

// groupMembers returns the privileges of a built-in v2 group or a custom group, nil for any
// other name. Callers hold s.mu.
func (s *Server) groupMembers(name string) []string {
	if g, ok := s.st.groups[name]; ok {
		return g.members
	}
	if s.builtinGroupsExist() && privilege.IsBuiltinGroup(name) {
		return s.builtinMembers(name)
	}
	return nil
}
