package access

import (
	"fmt"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/spec"
)

// largeState is the large case of make bench: 5,000 users with 2 roles each, 300 roles with 20
// grants each (single privileges and built-in groups, on a few databases and collections).
func largeState() *spec.State {
	s := spec.NewState()
	privs := []string{"Search", "Query", "Insert", "Delete", "CollectionReadOnly", "CollectionReadWrite", "DatabaseReadOnly", "Load", "Flush", "Upsert"}
	for r := 0; r < 300; r++ {
		role := &spec.Role{Name: fmt.Sprintf("role_%03d", r)}
		for g := 0; g < 20; g++ {
			role.Grants = append(role.Grants, spec.NewGrant(privs[(r+g)%len(privs)], fmt.Sprintf("db_%d", g%5), fmt.Sprintf("coll_%d", (r+g)%7)))
		}
		role.Grants = spec.SortGrants(role.Grants)
		s.Roles[role.Name] = role
	}
	for u := 0; u < 5000; u++ {
		n := fmt.Sprintf("user_%04d", u)
		s.Users[n] = &spec.User{Name: n, Roles: spec.SortNames([]string{fmt.Sprintf("role_%03d", u%300), fmt.Sprintf("role_%03d", (u*7)%300)})}
	}
	return s
}

// BenchmarkComputeAndDeltaLarge is what a plan of the large case adds for its access delta:
// two models and their delta, with about 10% of the users changing roles.
func BenchmarkComputeAndDeltaLarge(b *testing.B) {
	before := largeState()
	after := largeState()
	for u := 0; u < 5000; u += 10 {
		n := fmt.Sprintf("user_%04d", u)
		after.Users[n].Roles = []string{fmt.Sprintf("role_%03d", (u+1)%300)}
	}
	b.ReportAllocs()
	for b.Loop() {
		d := Delta(Compute(before, Options{}), Compute(after, Options{}))
		if len(d) == 0 {
			b.Fatal("no delta")
		}
	}
}
