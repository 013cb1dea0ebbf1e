// Package privilege is the catalogue of Milvus privilege names: which object type each belongs
// to, the built-in privilege groups and their contents per server version, the level (cluster,
// database, collection) of each privilege, and the privileges the server grants together.
//
// It owns facts read from Milvus's pkg/util/constant.go at each release and nothing else: no I/O, no
// knowledge of the spec file or of the REST API.
package privilege
