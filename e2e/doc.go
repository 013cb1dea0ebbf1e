// Package e2e holds the end-to-end suite: it builds the milvus-rbac binary once and runs its
// commands as a user would, against the bundled emulator on loopback, or against a real
// cluster when MILVUS_LIVE=1 and MILVUS_URI are set (make test-live).
package e2e
