// Package release is the one place that knows how Milvus releases differ in what the RBAC
// REST API accepts, answers and refuses: which routes exist, which error codes and fields
// an answer carries, which quirks a release has, which names it takes, and its default
// limits. Everything else (the client, the planner, the emulator, the access model) asks a
// Profile instead of comparing version numbers itself.
//
// Each behaviour is a row of the table in release.go, with the releases that have it and how
// that was established (source file and pull request). Adding a Milvus release means adding
// or editing rows there and in its tests, and the matching lines of docs/compatibility.md.
//
// The package holds data and pure functions only: no I/O, no clock, no network.
package release
