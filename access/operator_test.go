package access

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/milvus-rbac/milvus-rbac/spec"
)

func TestOperatorListsShareTheirWrites(t *testing.T) {
	if !slices.IsSorted(UserManagement) {
		t.Errorf("UserManagement is not sorted: %v", UserManagement)
	}
	for _, p := range slices.Concat(ownershipWrites, groupWrites) {
		if !slices.Contains(UserManagement, p) || !slices.Contains(OperatorNeeds, p) {
			t.Errorf("%s is a write of users or groups but not in both lists", p)
		}
	}
}

func TestLostOperatorNeeds(t *testing.T) {
	admin := &spec.State{
		Users: map[string]*spec.User{"ops": {Name: "ops", Roles: []string{spec.AdminRole}}},
		Roles: map[string]*spec.Role{spec.AdminRole: {Name: spec.AdminRole}},
	}
	none := &spec.State{
		Users: map[string]*spec.User{"ops": {Name: "ops"}},
		Roles: map[string]*spec.Role{spec.AdminRole: {Name: spec.AdminRole}},
	}
	before, after := Compute(admin, Options{}), Compute(none, Options{})
	if d := cmp.Diff(OperatorNeeds, LostOperatorNeeds(before, after, "ops")); d != "" {
		t.Errorf("losing admin (-want +got):\n%s", d)
	}
	for _, user := range []string{"", spec.RootUser} {
		if lost := LostOperatorNeeds(before, after, user); lost != nil {
			t.Errorf("user %q loses %v; want nothing", user, lost)
		}
	}
	if lost := LostOperatorNeeds(before, before, "ops"); lost != nil {
		t.Errorf("no change loses %v", lost)
	}
}
