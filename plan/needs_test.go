package plan

import (
	"maps"
	"slices"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/access"
)

// TestPrivilegesAreTheWrites: the privileges the steps ask are the write privileges the
// access model knows (the operator's needs, the escalations), one fact in both places.
func TestPrivilegesAreTheWrites(t *testing.T) {
	got := map[string]bool{}
	for _, p := range Privileges {
		got[p] = true
	}
	want := map[string]bool{}
	for _, p := range access.Writes {
		want[p] = true
	}
	if !maps.Equal(got, want) {
		t.Errorf("plan.Privileges names %v, access.Writes %v", slices.Sorted(maps.Keys(got)), access.Writes)
	}
}
