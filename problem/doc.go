// Package problem owns how milvus-rbac says what is wrong with its input: a Problem located
// by file, line and YAML path; every problem of a file at once (Problems); the strict reading
// of a YAML file that finds them (Reader: size limit, one document, version first, no
// anchors or aliases, bounded depth, unknown keys with a did-you-mean); suggestions for
// mistyped names (Suggest); and the one rendering of a list of errors (Format, the
// ErrorFormat of every go-multierror list).
//
// Spec files (package spec) and policy files (package policy) are read with the same
// machinery, so that both report problems the same way. The package knows nothing of what
// either file means.
package problem
