// Package emulator is an in-memory stand-in for the RBAC endpoints of the Milvus REST API v2
// (POST /v2/vectordb/users/*, roles/*, privilege_groups/*), used by tests, benchmarks and
// `make demo` in place of a real cluster.
//
// It owns one thing: reproducing the wire contract of ../shared/milvus-rest-rbac.md as a server
// would answer it: request binding (1801/1802), authentication (401) and authorization (403),
// the proxy validators, the per-era error codes and messages (E1, E2, E3), idempotency, cascades,
// built-in users, roles and privilege groups, limits, the v1/v2 grant storage rules, related
// privileges, and unordered privilege-group members. Where the contract is silent it follows the
// newest era the contract describes, and says so in a comment at that place.
//
// What it must not do: be kinder than a server. It never normalises, sorts or repairs what a
// client sends beyond what Milvus does, never accepts a request Milvus would refuse, and never
// hides a server quirk (random member order, forced object names, implied grants). Our client
// is also checked against an independent server built from the same contract, so a convenience
// here would only hide a bug there. It imports nothing of this module but package privilege,
// knows nothing of spec files or plans, and keeps everything in memory: no files, no network
// beyond the http.Handler it is.
//
// Faults (Options.Faults, SetFaults) are the one deliberate unkindness: seeded failures of the
// transport (503, 429, 408, a connection dropped before or after the server acted, the N-th
// mutation failing) for tests of a client under faults. They are off unless asked for, and
// each decision depends only on the seed and the request, so a failing test replays.
//
// The test helpers (CreateUser, Grant, Users, Grants, ...) read and write the state directly,
// without HTTP and without the server's validation, so that other packages' tests can set up and
// assert live state.
package emulator
