package emulator

import (
	"fmt"

	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/release"
)

// Databases, collections and aliases are modelled only as far as RBAC needs them: which exist
// (grants resolve names through them from 2.6.12, release.ResolveAliasInGrants), the read routes
// a client uses to learn them, and test helpers to change them. Collections hold no data.

// Database seeds one database of Options.Databases.
type Database struct {
	// Collections are the collection names.
	Collections []string
	// Aliases maps an alias to the collection it points at, which must be one of Collections.
	Aliases map[string]string
}

// database is what rootcoord's meta table holds for one database.
type database struct {
	collections map[string]bool
	aliases     map[string]string // alias -> collection
}

func newDatabase() *database {
	return &database{collections: map[string]bool{}, aliases: map[string]string{}}
}

// seedDatabases adds "default" and opts.Databases to st. New panics on a seed that a server
// could not hold, like Faults.Check: a test that asks for one is wrong.
func seedDatabases(st *state, opts Options) {
	st.dbs = map[string]*database{privilege.DefaultDatabase: newDatabase()}
	for _, name := range sortedKeys(opts.Databases) {
		if name == "" || name == privilege.Wildcard {
			panic(fmt.Sprintf("emulator: Options.Databases: %q is not a database name", name))
		}
		d, ok := st.dbs[name]
		if !ok {
			d = newDatabase()
			st.dbs[name] = d
		}
		seed := opts.Databases[name]
		for _, c := range seed.Collections {
			d.collections[c] = true
		}
		for alias, c := range seed.Aliases {
			if !d.collections[c] || d.collections[alias] {
				panic(fmt.Sprintf("emulator: Options.Databases[%q]: alias %q of %q needs the collection and a name no collection has", name, alias, c))
			}
			d.aliases[alias] = c
		}
	}
}

// databaseNotFound is merr.WrapErrDatabaseNotFound: code 800, "database not found[database=x]".
func databaseNotFound(db string) *apiError {
	return fail(codeDatabaseNotFound, "database not found[database=%s]", db)
}

// resolveAlias is the proxy's globalMetaCache.ResolveCollectionAlias as grants use it from
// 2.6.12 (impl.go OperatePrivilegeV2 and, for Collection grants, OperatePrivilege; #48052,
// #48151): rootcoord's DescribeAlias takes "" as "default", answers "database not found" for a
// database it does not know ("*" included), and the name is kept when it is no alias. The
// cache in front of it answers like DescribeAlias for the names a client sends here.
func (s *Server) resolveAlias(db, name string) (string, *apiError) {
	if db == "" {
		db = privilege.DefaultDatabase
	}
	d, ok := s.st.dbs[db]
	if !ok {
		return "", databaseNotFound(db)
	}
	if c, ok := d.aliases[name]; ok {
		return c, nil
	}
	return name, nil
}

// callerGrants are the grants of the caller's roles (public left out), or all=true for root,
// admin and a server without authorization, which see everything. It looks the roles up as
// users/describe does, so on releases that answer "" role names (userRoles) it asks for the
// grants of role "" and fails as MetaTable.SelectGrant does (65535).
func (s *Server) callerGrants(c *caller) (all bool, grants []grantKey, e *apiError) {
	if s.opts.AuthorizationDisabled || c.user == rootUser {
		return true, nil, nil
	}
	for _, name := range s.userRoles(c.user) {
		switch name {
		case adminRole:
			return true, nil, nil
		case publicRole:
			continue
		case "":
			return false, nil, fail(codeUnexpected, "the role entity in the grant entity is invalid")
		}
		if r, ok := s.st.roles[name]; ok {
			grants = append(grants, r.sortedGrants()...)
		}
	}
	return false, grants, nil
}

// visibleDatabases is rootcoord's getCurrentUserVisibleDatabases: every database for those
// callerGrants lets see all; else the databases of the caller's grants, all of them as soon as
// one grant is on "*".
func (s *Server) visibleDatabases(c *caller) (all bool, dbs map[string]bool, e *apiError) {
	all, grants, e := s.callerGrants(c)
	if all || e != nil {
		return all, nil, e
	}
	dbs = map[string]bool{}
	for _, k := range grants {
		if k.db == privilege.Wildcard {
			return true, nil, nil
		}
		dbs[k.db] = true
	}
	return false, dbs, nil
}

// visibleCollections is rootcoord's getCurrentUserVisibleCollections for database db: the
// objects of the caller's Collection grants there (and of its collection-level or custom group
// grants), every collection for a Global grant of All or a grant on "*".
func (s *Server) visibleCollections(c *caller, db string) (all bool, names map[string]bool, e *apiError) {
	all, grants, e := s.callerGrants(c)
	if all || e != nil {
		return all, nil, e
	}
	names = map[string]bool{}
	for _, k := range grants {
		if k.db != db && k.db != privilege.Wildcard {
			continue
		}
		if k.objectType == privilege.ObjectGlobal && k.privilege == "All" {
			return true, nil, nil
		}
		if k.objectType != privilege.ObjectCollection {
			_, custom := s.st.groups[k.privilege]
			if !custom && privilege.GroupLevel(k.privilege) != privilege.LevelCollection {
				continue
			}
		}
		if k.object == privilege.Wildcard {
			return true, nil, nil
		}
		names[k.object] = true
	}
	return false, names, nil
}

// databases/list: ListDatabases. The REST handler runs no privilege check; rootcoord lists the
// databases the caller may see (list_db_task.go), in map order.
func (s *Server) listDatabases(c *caller, body []byte) (any, *apiError) {
	var rq emptyReq
	if e := bind(body, &rq); e != nil {
		return nil, e
	}
	all, visible, e := s.visibleDatabases(c)
	if e != nil {
		return nil, e
	}
	var out []string
	for _, name := range sortedKeys(s.st.dbs) {
		if all || visible[name] {
			out = append(out, name)
		}
	}
	return list(s.mapOrder(out)), nil
}

// collections/list: ShowCollections in the request's database. No privilege check at the REST
// handler; rootcoord lists the collections the caller may see (show_collection_task.go), and
// fails with "database not found" (800) for a database it does not know once the caller may see
// anything at all.
func (s *Server) listCollections(c *caller, body []byte) (any, *apiError) {
	var rq databaseReq
	if e := bind(body, &rq); e != nil {
		return nil, e
	}
	db := c.db(rq.DbName)
	all, visible, e := s.visibleCollections(c, db)
	if e != nil {
		return nil, e
	}
	if !all && len(visible) == 0 {
		return list([]string(nil)), nil
	}
	d, ok := s.st.dbs[db]
	if !ok {
		return nil, databaseNotFound(db)
	}
	var out []string
	for _, name := range sortedKeys(d.collections) {
		if all || visible[name] {
			out = append(out, name)
		}
	}
	return list(s.mapOrder(out)), nil
}

// aliases/list: ListAliases, Global/ListAliases in the request's database (public holds it by
// default). With a collectionName, the aliases of that collection (100 "collection not found"
// when there is none); without, every alias of the database (meta_table.go ListAliases).
func (s *Server) listAliases(c *caller, body []byte) (any, *apiError) {
	var rq optionalCollectionNameReq
	if e := bind(body, &rq); e != nil {
		return nil, e
	}
	db := c.db(rq.DbName)
	if e := s.authorize(c, privilege.ObjectGlobal, "ListAliases", privilege.Wildcard, db); e != nil {
		return nil, e
	}
	d, ok := s.st.dbs[db]
	if !ok {
		return nil, databaseNotFound(db)
	}
	if rq.CollectionName != "" && !d.collections[rq.CollectionName] {
		return nil, fail(codeCollectionNotFound, "collection not found[collection=%s]", rq.CollectionName)
	}
	var out []string
	for _, alias := range sortedKeys(d.aliases) {
		if rq.CollectionName == "" || d.aliases[alias] == rq.CollectionName {
			out = append(out, alias)
		}
	}
	return list(s.mapOrder(out)), nil
}

// aliases/describe: DescribeAlias, Global/DescribeAlias in the request's database. data holds
// dbName, collectionName and aliasName (handler_v2.go describeAlias); an unknown database is 800,
// an unknown alias 1600 "alias not found[database=d][alias=a]" (meta_table.go DescribeAlias).
func (s *Server) describeAlias(c *caller, body []byte) (any, *apiError) {
	var rq aliasReq
	if e := bind(body, &rq, req("AliasName", &rq.AliasName)); e != nil {
		return nil, e
	}
	db := c.db(rq.DbName)
	if e := s.authorize(c, privilege.ObjectGlobal, "DescribeAlias", privilege.Wildcard, db); e != nil {
		return nil, e
	}
	d, ok := s.st.dbs[db]
	if !ok {
		return nil, databaseNotFound(db)
	}
	coll, ok := d.aliases[rq.AliasName]
	if !ok {
		return nil, fail(codeAliasNotFound, "alias not found[database=%s][alias=%s]", db, rq.AliasName)
	}
	return map[string]any{"code": 0, "data": map[string]string{
		"dbName": db, "collectionName": coll, "aliasName": rq.AliasName,
	}}, nil
}

// mapOrder puts names in the order of a Go map's iteration, which is what rootcoord answers
// (meta_table.go ListDatabases: maps.Values(dbName2Meta); listCollectionFromCache and the alias
// table range over maps too): a different order at every call, drawn from the seeded rng so that
// a failing test replays. Callers hold s.mu.
func (s *Server) mapOrder(names []string) []string {
	s.rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	return names
}

// The helpers below change databases, collections and aliases directly, for tests. Like the
// other helpers they skip the server's checks but refuse what the state cannot hold.

// CreateDatabase adds an empty database.
func (s *Server) CreateDatabase(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.st.dbs[name]; ok || name == "" || name == privilege.Wildcard {
		return fmt.Errorf("emulator: database %q exists or is not a name", name)
	}
	s.st.dbs[name] = newDatabase()
	return nil
}

// DropDatabase removes a database with its collections and aliases. Grants in it stay, as they
// do on a server (nothing cleans them up).
func (s *Server) DropDatabase(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.st.dbs[name]; !ok || name == privilege.DefaultDatabase {
		return fmt.Errorf("emulator: database %q does not exist or is the default one", name)
	}
	delete(s.st.dbs, name)
	return nil
}

// CreateCollection adds a collection to database db.
func (s *Server) CreateCollection(db, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.st.dbs[db]
	if !ok {
		return fmt.Errorf("emulator: database %q does not exist", db)
	}
	if d.collections[name] || d.aliases[name] != "" {
		return fmt.Errorf("emulator: %q is already a collection or an alias in %q", name, db)
	}
	d.collections[name] = true
	return nil
}

// DropCollection removes a collection and its aliases. From 2.6.12
// (release.GrantsFollowCollections) the Collection grants on it in its database go too
// (DeleteGrantByCollectionName: object type Collection, same database, same name; grants of
// privilege groups, stored as Global, stay).
func (s *Server) DropCollection(db, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.st.dbs[db]
	if !ok || !d.collections[name] {
		return fmt.Errorf("emulator: no collection %q in database %q", name, db)
	}
	delete(d.collections, name)
	for alias, c := range d.aliases {
		if c == name {
			delete(d.aliases, alias)
		}
	}
	if s.prof.Has(release.GrantsFollowCollections) {
		for _, r := range s.st.roles {
			for k := range r.grants {
				if k.objectType == privilege.ObjectCollection && k.db == db && k.object == name {
					delete(r.grants, k)
				}
			}
		}
	}
	return nil
}

// RenameCollection renames collection name of database db to newName in database newDB; its
// aliases follow it within db, as they point at the collection's id (an alias cannot leave its
// database, so a move to another database drops them). From 2.6.12
// (release.GrantsFollowCollections) its Collection grants move too (MigrateGrantCollectionName:
// object type Collection, same database, same name).
func (s *Server) RenameCollection(db, name, newDB, newName string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.st.dbs[db]
	if !ok || !d.collections[name] {
		return fmt.Errorf("emulator: no collection %q in database %q", name, db)
	}
	nd, ok := s.st.dbs[newDB]
	if !ok || nd.collections[newName] || nd.aliases[newName] != "" {
		return fmt.Errorf("emulator: cannot rename to %q in database %q", newName, newDB)
	}
	delete(d.collections, name)
	nd.collections[newName] = true
	for alias, c := range d.aliases {
		if c == name {
			if newDB == db {
				d.aliases[alias] = newName
			} else {
				delete(d.aliases, alias)
			}
		}
	}
	if s.prof.Has(release.GrantsFollowCollections) {
		for _, r := range s.st.roles {
			for k, grantor := range r.grants {
				if k.objectType == privilege.ObjectCollection && k.db == db && k.object == name {
					delete(r.grants, k)
					k.db, k.object = newDB, newName
					r.grants[k] = grantor
				}
			}
		}
	}
	return nil
}

// CreateAlias points alias at collection in database db.
func (s *Server) CreateAlias(db, alias, collection string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.st.dbs[db]
	if !ok || !d.collections[collection] {
		return fmt.Errorf("emulator: no collection %q in database %q", collection, db)
	}
	if d.collections[alias] || d.aliases[alias] != "" {
		return fmt.Errorf("emulator: %q is already a collection or an alias in %q", alias, db)
	}
	d.aliases[alias] = collection
	return nil
}

// DropAlias removes an alias.
func (s *Server) DropAlias(db, alias string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.st.dbs[db]
	if !ok || d.aliases[alias] == "" {
		return fmt.Errorf("emulator: no alias %q in database %q", alias, db)
	}
	delete(d.aliases, alias)
	return nil
}

// Databases returns every database with its collections, sorted.
func (s *Server) Databases() map[string][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string][]string, len(s.st.dbs))
	for name, d := range s.st.dbs {
		out[name] = sortedKeys(d.collections)
	}
	return out
}

// Aliases returns the aliases of database db and the collections they point at.
func (s *Server) Aliases(db string) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	if d, ok := s.st.dbs[db]; ok {
		for a, c := range d.aliases {
			out[a] = c
		}
	}
	return out
}
