// Package policy owns the policy file of `milvus-rbac check` (YAML, version 1): rules a state
// must obey, such as "no user outside role dba may hold Delete on database prod", "no role
// may hold a cluster-level privilege group", "every user has a role", "nobody but the
// break-glass user holds an escalation", and the check of a state against them (Check), each
// violation naming the user or role, the privilege and the paths that give it.
//
// Loading is strict and uses the spec file's machinery (package problem): an unknown key, a
// wrong type, an unknown privilege or a missing version is a problem with its file, line and
// YAML path, with a did-you-mean where one fits; every problem of a file is reported at once;
// size, anchors, aliases and depth are bounded as for spec files.
//
// The package decides nothing about effective access itself: it asks package access (Can,
// RoleCan, Escalations) and reads grants from the spec.State. It reads the policy file and
// nothing else; it calls no cluster and does not load spec files.
package policy
