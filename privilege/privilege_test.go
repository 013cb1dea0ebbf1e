package privilege

import (
	"slices"
	"testing"
)

func TestMembersAreCumulativeByLevelAndVersion(t *testing.T) {
	cases := map[string]struct {
		group    string
		v        Version
		has, not []string
		size     int
	}{
		"2.5 CollectionReadOnly":                           {group: "CollectionReadOnly", v: V2_5, has: []string{"Search", "Query"}, not: []string{"Insert", "ListImport"}, size: 12},
		"2.5 CollectionAdmin holds ReadWrite and ReadOnly": {group: "CollectionAdmin", v: V2_5, has: []string{"Search", "Insert", "CreateAlias"}, size: 27},
		"2.6 adds import progress":                         {group: "CollectionReadOnly", v: V2_6, has: []string{"GetImportProgress", "ListImport"}, size: 14},
		"3.0 moves RenameCollection to DatabaseAdmin":      {group: "DatabaseAdmin", v: V3_0, has: []string{"RenameCollection"}},
		"3.0 ClusterAdmin loses RenameCollection":          {group: "ClusterAdmin", v: V3_0, not: []string{"RenameCollection"}, has: []string{"PrivilegeExpr"}},
		"2.5 ClusterAdmin has RenameCollection":            {group: "ClusterAdmin", v: V2_5, has: []string{"RenameCollection", "ListDatabases"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m := Members(tc.group, tc.v)
			for _, p := range tc.has {
				if !slices.Contains(m, p) {
					t.Errorf("%s lacks %s", tc.group, p)
				}
			}
			for _, p := range tc.not {
				if slices.Contains(m, p) {
					t.Errorf("%s holds %s", tc.group, p)
				}
			}
			if tc.size != 0 && len(m) != tc.size {
				t.Errorf("%s has %d members, want %d", tc.group, len(m), tc.size)
			}
		})
	}
	if Members("Search", V2_5) != nil {
		t.Error("Members of a single privilege is not nil")
	}
}

func TestObjectTypeAndLevel(t *testing.T) {
	cases := []struct {
		name, objectType string
		level            Level
	}{
		{"Search", ObjectCollection, LevelCollection},
		{"DescribeCollection", ObjectGlobal, LevelCollection},
		{"CreateCollection", ObjectGlobal, LevelDatabase},
		{"CreateDatabase", ObjectGlobal, LevelCluster},
		{"RenameCollection", ObjectGlobal, LevelCluster},
		{"UpdateUser", ObjectUser, LevelCluster},
		{"ClusterReadOnly", ObjectGlobal, LevelCluster},
		{"DatabaseReadOnly", ObjectGlobal, LevelDatabase},
		{"CollectionAdmin", ObjectGlobal, LevelCollection},
		{"my_custom_group", ObjectGlobal, LevelNone},
		{"*", ObjectGlobal, LevelNone},
		{"All", ObjectGlobal, LevelNone},
		{"GetReplicateConfiguration", ObjectGlobal, LevelCluster},
	}
	for _, tc := range cases {
		if got := ObjectType(tc.name); got != tc.objectType {
			t.Errorf("ObjectType(%s) = %s, want %s", tc.name, got, tc.objectType)
		}
		if got := LevelOf(tc.name); got != tc.level {
			t.Errorf("LevelOf(%s) = %s, want %s", tc.name, got, tc.level)
		}
	}
	if !Known("*") || Known("Serch") || !Known("ReadOnly") {
		t.Error("Known is wrong for *, Serch or ReadOnly")
	}
}
