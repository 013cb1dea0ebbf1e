package e2e

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// TestPrefixUserNames: users whose names share a prefix in several ways ("app", "app_ingest",
// "app2", "apple"; "etl", "etl_nightly"), which releases before 2.6.13 answer with extra ""
// role names in users/describe (milvus#46676). Export round-trips to an empty plan, apply of a
// change converges in one run, and drift is clean, on every release of the matrix.
func TestPrefixUserNames(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	ctx := context.Background()
	for _, r := range []string{"reader", "writer", "ingest", "etl_role"} {
		must(t, c.Client.CreateRole(ctx, r))
	}
	must(t, c.Client.GrantPrivilege(ctx, "reader", spec.NewGrant("Query", "default", "*")))
	must(t, c.Client.GrantPrivilege(ctx, "writer", spec.NewGrant("Insert", "default", "*")))
	users := map[string][]string{
		"app": {"reader"}, "app_ingest": {"ingest", "writer"}, "app2": {"reader"}, "apple": {"writer"},
		"etl": {"etl_role"}, "etl_nightly": {"etl_role"}, "ap": nil,
	}
	for u, roles := range users {
		must(t, c.Client.CreateUser(ctx, u, "Prefix-Pw-1"))
		for _, r := range roles {
			must(t, c.Client.GrantRole(ctx, u, r))
		}
	}

	out := filepath.Join(t.TempDir(), "exported.yaml")
	expect(t, c.run(t, nil, "export", "-o", out), 0, "7 users, 4 roles")
	expect(t, c.run(t, nil, "plan", "-f", out, "--detailed-exitcode"), 0, "No changes.")
	expect(t, c.run(t, nil, "drift", "-f", out), 0, "No drift.")

	// app gains writer, app2 loses reader, etl_nightly gains ingest.
	f := writeFile(t, "access.yaml", `version: 1
mode: adopt
roles:
  - name: reader
    grants:
      - {privilege: Query, database: default, collection: "*"}
  - name: writer
    grants:
      - {privilege: Insert, database: default, collection: "*"}
  - name: ingest
  - name: etl_role
users:
  - {name: app, roles: [reader, writer]}
  - {name: app_ingest, roles: [ingest, writer]}
  - {name: app2, roles: []}
  - {name: apple, roles: [writer]}
  - {name: etl, roles: [etl_role]}
  - {name: etl_nightly, roles: [etl_role, ingest]}
  - {name: ap, roles: []}
`)
	expect(t, c.run(t, nil, "plan", "-f", f, "--detailed-exitcode"), 2)
	expect(t, c.run(t, nil, "apply", "-f", f, "--auto-approve"), 0)
	expect(t, c.run(t, nil, "plan", "-f", f, "--detailed-exitcode"), 0, "No changes.")
	expect(t, c.run(t, nil, "drift", "-f", f), 0, "No drift.")
	if c.Emu != nil {
		got := c.Emu.Users()
		for u, want := range map[string][]string{"app": {"reader", "writer"}, "app2": {}, "etl_nightly": {"etl_role", "ingest"}, "app_ingest": {"ingest", "writer"}} {
			if d := cmp.Diff(want, got[u]); d != "" {
				t.Errorf("roles of %s (-want +got):\n%s", u, d)
			}
		}
	}
}
