// Package emulator is an in-memory stand-in for the RBAC endpoints of the Milvus REST API v2
// (POST /v2/vectordb/users/*, roles/*, privilege_groups/*), used by tests, benchmarks and
// `make demo` in place of a real cluster.
//
// It owns one thing: answering the RBAC routes as a Milvus server of a given release would
// (Options.Version): request binding (1801/1802), authentication (401) and authorization (403),
// the proxy validators, the error codes and messages of each release, idempotency, cascades,
// built-in users, roles and privilege groups, limits, the v1/v2 grant storage rules, related
// privileges, and unordered privilege-group members. What differs between releases is read
// from package release (release.For), never decided here by comparing versions. Each rule cites
// the Milvus source it was read from (milvus-io/milvus: internal/distributed/proxy/httpserver,
// internal/proxy, internal/rootcoord, internal/metastore/kv/rootcoord); where the source could
// not be read, the emulator follows the newest release and says so in a comment at that place.
//
// What it must not do: be kinder than a server. It never normalises, sorts or repairs what a
// client sends beyond what Milvus does, never accepts a request Milvus would refuse, and never
// hides a server quirk (random member order, forced object names, implied grants). Our client
// is also checked against an independent server built from the same reading of Milvus, so a
// convenience here would only hide a bug there. It imports nothing of this module but packages
// privilege and release, knows nothing of spec files or plans, and keeps everything in memory:
// no files, no network beyond the http.Handler it is.
//
// Faults (Options.Faults, SetFaults) are the one deliberate unkindness: seeded failures of the
// transport (503, 429, 408, a connection dropped before or after the server acted, the N-th
// mutation failing) for tests of a client under faults. They are off unless asked for, and
// each decision depends only on the seed and the request, so a failing test replays.
//
// Databases, collections and aliases (Options.Databases, databases.go) exist only as far as RBAC
// needs them: from 2.6.12 a grant resolves its collection name through the aliases of its
// database, and a client reads databases/list, collections/list and aliases/* to check names.
//
// The test helpers (CreateUser, Grant, CreateDatabase, CreateAlias, Users, Grants, ...) read and
// write the state directly, without HTTP and without the server's validation, so that other
// packages' tests can set up and assert live state. PlantGrantKey and PlantRoleMappingKey store
// what no request can: storage keys with empty segments, which real servers have been found
// holding (milvus#49989).
package emulator
