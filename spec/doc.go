// Package spec owns the model of Milvus access state (State: users, roles, grants, privilege
// groups), the spec file that describes the desired state (Spec: version, mode, protect rules,
// password policy), its loading and validation with file:line positions (one file, or several
// files and directories merged into one spec, with templates expanded over databases and
// collections before validation), its writing back in the canonical layout (Encode, used by
// export and to show objects as YAML), the selection of part of a state (Select, for partial
// export), and references to secrets (Secret).
//
// The live cluster is read into the same State by package milvus, so that plan, drift and
// export compare like with like. This package makes no network call and never holds a
// password value longer than a Resolve call.
package spec
