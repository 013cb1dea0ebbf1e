// Package milvus is the only package that knows the URLs and JSON shapes of the Milvus /
// Zilliz Cloud RESTful API v2 (/v2/vectordb/...), as Milvus releases answer it (see
// docs/compatibility.md for how they differ).
//
// It owns:
//   - Client, built by New from a Config (URI, token, CA certificate, timeouts, concurrency);
//   - Read, which reads the live users, roles, grants and privilege groups into the same
//     spec.State a spec file is loaded into, normalised so that plan can diff the two
//     (U + R + 3 calls: there is no bulk read in REST);
//   - one method per mutation, implementing apply.Cluster, each one HTTP call (tried again
//     after a transient failure), with the fallback to the v1 grant API on servers without
//     grant_privilege_v2;
//   - the errors of the API (APIError, TransportError, FeatureError), helpers that classify
//     them (IsAlreadyExists, IsNotFound) and a one-line Hint for causes a user can fix;
//   - the transport's manners: a timeout on every attempt, retries of transient failures with
//     backoff and jitter, an ambiguous create settled by looking rather than guessing, an
//     optional deadline for the whole run and an optional rate limit (retry.go).
//
// It must not decide what to change (package plan does), order mutations or decide what a
// failed step means for the others (package apply does), validate names beyond what the wire
// needs (package spec does), print anything (Config.Log is the caller's), or read the
// environment: the CLI passes MILVUS_URI and MILVUS_TOKEN in through Config. No error, log or
// panic path may carry the token, a password or a request body; server messages are scrubbed
// of the secrets the client knows before they are kept in an error.
package milvus
