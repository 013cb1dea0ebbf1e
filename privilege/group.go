package privilege

import (
	"sort"
	"strings"
)

// Version selects the built-in group contents of a Milvus release line.
type Version string

// Versions whose built-in group contents are known. V2_5 is the default. The 2.6 line
// changed them twice: V2_6_0 is 2.6.0 to 2.6.5, V2_6_6 is 2.6.6 to 2.6.11 (ClusterAdmin gains
// UpdateReplicateConfiguration), V2_6 is 2.6.12 and later (ClusterReadOnly gains
// GetReplicateConfiguration).
const (
	V2_5   Version = "2.5"
	V2_6_0 Version = "2.6.0"
	V2_6_6 Version = "2.6.6"
	V2_6   Version = "2.6"
	V3_0   Version = "3.0"
)

// replicateAdded says which 2.6 contents have the replicate-configuration privileges.
var replicateAdded = map[Version]map[string]bool{
	V2_6_0: {},
	V2_6_6: {"UpdateReplicateConfiguration": true},
}

// own holds what each 2.5 group adds to the group below it at its level.
var own = map[string][]string{
	"CollectionReadOnly": {"Query", "Search", "IndexDetail", "GetFlushState", "GetLoadState",
		"GetLoadingProgress", "HasPartition", "ShowPartitions", "DescribeCollection", "DescribeAlias",
		"GetStatistics", "ListAliases"},
	"CollectionReadWrite": {"Load", "Release", "Insert", "Delete", "Upsert", "Import", "Flush",
		"Compaction", "LoadBalance", "CreateIndex", "DropIndex", "CreatePartition", "DropPartition"},
	"CollectionAdmin":   {"CreateAlias", "DropAlias"},
	"DatabaseReadOnly":  {"ShowCollections", "DescribeDatabase"},
	"DatabaseReadWrite": {"AlterDatabase"},
	"DatabaseAdmin":     {"CreateCollection", "DropCollection"},
	"ClusterReadOnly": {"ListDatabases", "SelectOwnership", "SelectUser", "DescribeResourceGroup",
		"ListResourceGroups", "ListPrivilegeGroups"},
	"ClusterReadWrite": {"FlushAll", "TransferNode", "TransferReplica", "UpdateResourceGroups"},
	"ClusterAdmin": {"BackupRBAC", "RestoreRBAC", "CreateDatabase", "DropDatabase", "CreateOwnership",
		"DropOwnership", "ManageOwnership", "CreateResourceGroup", "DropResourceGroup", "UpdateUser",
		"RenameCollection", "CreatePrivilegeGroup", "DropPrivilegeGroup", "OperatePrivilegeGroup"},
}

// additions holds what a release line adds to a group's own members, cumulatively: V3_0 is
// applied on top of V2_6.
var additions = map[Version]map[string][]string{
	V2_6: {
		"CollectionReadOnly":  {"GetImportProgress", "ListImport"},
		"CollectionReadWrite": {"AddCollectionField"},
		"ClusterReadOnly":     {"GetReplicateConfiguration"},
		"ClusterAdmin":        {"UpdateReplicateConfiguration"},
	},
	V3_0: {
		"CollectionReadOnly":  {"DescribeSnapshot", "ListSnapshots"},
		"CollectionReadWrite": {"AlterCollectionSchema", "RefreshExternalCollection", "CreateSnapshot", "DropSnapshot"},
		"CollectionAdmin":     {"RestoreSnapshot"},
		"DatabaseAdmin":       {"RenameCollection"},
		"ClusterReadOnly":     {"ListFileResources"},
		"ClusterReadWrite":    {"AddFileResource", "RemoveFileResource", "PinSnapshotData", "UnpinSnapshotData"},
		"ClusterAdmin":        {"PrivilegeExpr", "RestoreExternalSnapshot", "ExportSnapshot"},
	},
}

// below names the group each group includes.
var below = map[string]string{
	"CollectionReadWrite": "CollectionReadOnly",
	"CollectionAdmin":     "CollectionReadWrite",
	"DatabaseReadWrite":   "DatabaseReadOnly",
	"DatabaseAdmin":       "DatabaseReadWrite",
	"ClusterReadWrite":    "ClusterReadOnly",
	"ClusterAdmin":        "ClusterReadWrite",
}

// Members returns the privileges of a built-in v2 group in release line v, sorted; nil for a
// name that is not a built-in group.
func Members(group string, v Version) []string {
	if !IsBuiltinGroup(group) {
		return nil
	}
	set := map[string]bool{}
	for g := group; g != ""; g = below[g] {
		for _, p := range own[g] {
			set[p] = true
		}
		if v == V2_6_0 || v == V2_6_6 || v == V2_6 || v == V3_0 {
			for _, p := range additions[V2_6][g] {
				if only, partial := replicateAdded[v]; partial && strings.HasSuffix(p, "ReplicateConfiguration") && !only[p] {
					continue
				}
				set[p] = true
			}
		}
		if v == V3_0 {
			for _, p := range additions[V3_0][g] {
				set[p] = true
			}
		}
	}
	if v == V3_0 && (group == "ClusterAdmin") {
		// RenameCollection moved from ClusterAdmin to DatabaseAdmin in 3.0.
		delete(set, "RenameCollection")
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// GroupHolding names the narrowest built-in group holding priv (the 2.6 contents), for a hint
// saying what to grant; ClusterAdmin when none does.
func GroupHolding(priv string) string {
	for _, g := range BuiltinGroups {
		for _, p := range Members(g, V2_6) {
			if p == priv {
				return g
			}
		}
	}
	return "ClusterAdmin"
}
