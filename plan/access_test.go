package plan

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/milvus-rbac/milvus-rbac/access"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// TestDeltaOfTouchedUsersIsTheWholeDelta checks, on every golden case, that modelling only the
// users a plan touches gives the same access delta as modelling everyone.
func TestDeltaOfTouchedUsersIsTheWholeDelta(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/golden/*")
	if len(dirs) < 15 {
		t.Fatalf("golden cases: %v", dirs)
	}
	t.Setenv("GOLDEN_PW", "Golden-Pw-2026")
	nonEmpty := 0
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			desired, err := spec.Load(filepath.Join(dir, "desired.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			seed, err := spec.Load(filepath.Join(dir, "live.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			live := seed.State
			live.Users[spec.RootUser] = &spec.User{Name: spec.RootUser}
			live.Roles[spec.AdminRole] = &spec.Role{Name: spec.AdminRole}
			p, err := Diff(desired, live, Options{})
			if err != nil {
				t.Fatal(err)
			}
			whole := access.Delta(access.Compute(live, access.Options{}), access.Compute(Simulate(live, p), access.Options{}))
			part := access.Delta(AccessModels(live, p, access.Options{}))
			if d := cmp.Diff(whole, part); d != "" {
				t.Errorf("delta of touched users differs (-whole +touched):\n%s", d)
			}
			if len(whole) > 0 {
				nonEmpty++
			}
		})
	}
	if nonEmpty < 5 {
		t.Errorf("only %d golden cases change access: the test compares too little", nonEmpty)
	}
}
