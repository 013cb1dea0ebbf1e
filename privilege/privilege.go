package privilege

import (
	"maps"
	"slices"
	"sort"
	"strings"
)

// Object types as Milvus names them. There is no Database object type in Milvus.
const (
	ObjectCollection = "Collection"
	ObjectGlobal     = "Global"
	ObjectUser       = "User"
)

// Wildcard is the name that means "every database", "every object" or "every privilege".
const Wildcard = "*"

// DefaultDatabase is the database Milvus uses when none is named.
const DefaultDatabase = "default"

// Level is the scope a privilege or a privilege group applies to.
type Level int

// Levels, from narrowest to widest. LevelNone is for names that belong to no built-in group
// (All, *, the legacy v1 groups, privileges newer than the group tables).
const (
	LevelNone Level = iota
	LevelCollection
	LevelDatabase
	LevelCluster
)

func (l Level) String() string {
	switch l {
	case LevelCollection:
		return "collection"
	case LevelDatabase:
		return "database"
	case LevelCluster:
		return "cluster"
	}
	return "none"
}

// collectionPrivileges is the union over 2.4 to 3.0 of util.ObjectPrivileges[Collection].
var collectionPrivileges = []string{
	"Load", "Release", "Compaction", "Insert", "Delete", "Upsert", "GetStatistics", "CreateIndex",
	"IndexDetail", "DropIndex", "Search", "Flush", "Query", "LoadBalance", "Import",
	"GetLoadingProgress", "GetLoadState", "CreatePartition", "DropPartition", "ShowPartitions",
	"HasPartition", "GetFlushState", "ReadOnly", "ReadWrite",
	// 2.6
	"GetImportProgress", "ListImport", "AddCollectionField",
	// 3.0
	"AlterCollectionSchema", "RefreshExternalCollection", "CreateSnapshot", "DropSnapshot",
	"DescribeSnapshot", "RestoreSnapshot", "ListSnapshots",
}

// globalPrivileges is the union over 2.4 to 3.0 of util.ObjectPrivileges[Global].
var globalPrivileges = []string{
	"All", "CreateCollection", "DropCollection", "DescribeCollection", "ShowCollections",
	"RenameCollection", "CreateOwnership", "DropOwnership", "SelectOwnership", "ManageOwnership",
	"BackupRBAC", "RestoreRBAC", "CreateResourceGroup", "UpdateResourceGroups", "DropResourceGroup",
	"DescribeResourceGroup", "ListResourceGroups", "TransferReplica", "TransferNode", "FlushAll",
	"CreateDatabase", "DropDatabase", "ListDatabases", "AlterDatabase", "DescribeDatabase",
	"CreateAlias", "DropAlias", "DescribeAlias", "ListAliases", "Admin", "CreatePrivilegeGroup",
	"DropPrivilegeGroup", "ListPrivilegeGroups", "OperatePrivilegeGroup",
	"ClusterReadOnly", "ClusterReadWrite", "ClusterAdmin",
	"DatabaseReadOnly", "DatabaseReadWrite", "DatabaseAdmin",
	"CollectionReadOnly", "CollectionReadWrite", "CollectionAdmin",
	// 2.6
	"UpdateReplicateConfiguration",
	// 3.0
	"PinSnapshotData", "UnpinSnapshotData", "RestoreExternalSnapshot", "ExportSnapshot", "PrivilegeExpr",
}

// userPrivileges is util.ObjectPrivileges[User].
var userPrivileges = []string{"UpdateUser", "SelectUser"}

// v2Only are enum entries in no ObjectPrivileges list: the v2 API accepts them and stores them
// as Global (GetObjectType falls back to Global).
var v2Only = []string{"GetReplicateConfiguration", "AddFileResource", "RemoveFileResource", "ListFileResources"}

// LegacyGroups are the v1 built-in groups, usable only with the v1 grant_privilege call.
var LegacyGroups = []string{"ReadOnly", "ReadWrite", "Admin"}

// BuiltinGroups are the nine v2 built-in privilege groups, stored as Global grants.
var BuiltinGroups = []string{
	"ClusterReadOnly", "ClusterReadWrite", "ClusterAdmin",
	"DatabaseReadOnly", "DatabaseReadWrite", "DatabaseAdmin",
	"CollectionReadOnly", "CollectionReadWrite", "CollectionAdmin",
}

// Related lists the privileges the server grants and revokes together with a privilege
// (util.RelatedPrivileges): granting Load also grants GetLoadState and GetLoadingProgress.
var Related = map[string][]string{
	"Load":  {"GetLoadState", "GetLoadingProgress"},
	"Flush": {"GetFlushState"},
}

var objectTypeOf = func() map[string]string {
	m := map[string]string{}
	for _, p := range collectionPrivileges {
		m[p] = ObjectCollection
	}
	for _, p := range globalPrivileges {
		m[p] = ObjectGlobal
	}
	for _, p := range userPrivileges {
		m[p] = ObjectUser
	}
	for _, p := range v2Only {
		m[p] = ObjectGlobal
	}
	return m
}()

// Known reports whether name is a privilege or built-in group name Milvus defines (any version
// from 2.4 to 3.0). The wildcard "*" is known too.
func Known(name string) bool {
	if name == Wildcard {
		return true
	}
	_, ok := objectTypeOf[name]
	return ok
}

// Names returns every known privilege and built-in group name, sorted.
func Names() []string { return slices.Sorted(maps.Keys(objectTypeOf)) }

// NamesOf returns the known names whose object type is objectType, sorted.
func NamesOf(objectType string) []string {
	var out []string
	for n, t := range objectTypeOf {
		if t == objectType {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// ObjectType is the object type Milvus stores for a grant of name made through
// grant_privilege_v2 (util.GetObjectType): Collection, Global or User. Built-in groups, custom
// groups, "*" and unknown names are Global.
func ObjectType(name string) string {
	if t, ok := objectTypeOf[name]; ok {
		return t
	}
	return ObjectGlobal
}

// IsBuiltinGroup reports whether name is one of the nine v2 built-in privilege groups.
func IsBuiltinGroup(name string) bool {
	for _, g := range BuiltinGroups {
		if g == name {
			return true
		}
	}
	return false
}

// IsLegacyGroup reports whether name is one of the v1 groups ReadOnly, ReadWrite, Admin.
func IsLegacyGroup(name string) bool {
	for _, g := range LegacyGroups {
		if g == name {
			return true
		}
	}
	return false
}

// GroupLevel returns the level of a built-in v2 group, from its name prefix.
func GroupLevel(group string) Level {
	switch {
	case !IsBuiltinGroup(group):
		return LevelNone
	case strings.HasPrefix(group, "Cluster"):
		return LevelCluster
	case strings.HasPrefix(group, "Database"):
		return LevelDatabase
	default:
		return LevelCollection
	}
}

// LevelOf returns the level of a privilege or built-in group: for a group its own level, for a
// single privilege the level of the narrowest built-in group (2.6 contents, plus privileges new
// in 3.0) that holds it. Names in no group have LevelNone.
func LevelOf(name string) Level {
	if IsBuiltinGroup(name) {
		return GroupLevel(name)
	}
	return levelOf[name]
}

var levelOf = func() map[string]Level {
	m := map[string]Level{}
	// Widest first, so that the narrowest group wins.
	for _, lv := range []struct {
		group string
		level Level
	}{{"ClusterAdmin", LevelCluster}, {"DatabaseAdmin", LevelDatabase}, {"CollectionAdmin", LevelCollection}} {
		for _, p := range Members(lv.group, V2_6) {
			m[p] = lv.level
		}
		for _, p := range additions[V3_0][lv.group] {
			if _, ok := m[p]; !ok {
				m[p] = lv.level
			}
		}
	}
	return m
}()
