package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// TestTeamAdoptsItsPartOfASharedCluster: on a cluster that two teams share, team A exports
// only its users and roles, plans the file (no changes; team B's objects are unmanaged),
// changes its part and applies; team B's users, roles and groups are exactly as before, and
// drift over team A's file is clean.
func TestTeamAdoptsItsPartOfASharedCluster(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	ctx := context.Background()
	must(t, c.Client.CreatePrivilegeGroup(ctx, "b_ingest"))
	must(t, c.Client.AddPrivilegesToGroup(ctx, "b_ingest", []string{"Insert", "Delete"}))
	for _, r := range []string{"a_reader", "a_writer", "b_writer", "b_reader"} {
		must(t, c.Client.CreateRole(ctx, r))
	}
	must(t, c.Client.GrantPrivilege(ctx, "a_reader", spec.NewGrant("Search", "default", "*")))
	must(t, c.Client.GrantPrivilege(ctx, "a_writer", spec.NewGrant("Insert", "default", "a_orders")))
	must(t, c.Client.GrantPrivilege(ctx, "b_writer", spec.NewGrant("b_ingest", "default", "*")))
	must(t, c.Client.GrantPrivilege(ctx, "b_reader", spec.NewGrant("Query", "default", "*")))
	for u, r := range map[string]string{"a_app": "a_writer", "a_analyst": "a_reader", "b_app": "b_writer", "b_analyst": "b_reader"} {
		must(t, c.Client.CreateUser(ctx, u, "Shared-Pw-123"))
		must(t, c.Client.GrantRole(ctx, u, r))
	}
	teamB := func() *spec.State {
		live, err := c.Client.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := spec.Select(live.State, spec.Selection{Users: []string{"b_*"}, Roles: []string{"b_*"}})
		return b
	}
	before := teamB()

	file := filepath.Join(t.TempDir(), "team-a.yaml")
	r := c.run(t, nil, "export", "--only-user", "a_*", "--only-role", "a_*", "-o", file)
	expect(t, r, 0, "Wrote "+file+": 2 users, 2 roles, 0 privilege groups.")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "b_") {
		t.Fatalf("team A's export holds team B's objects:\n%s", data)
	}
	r = c.run(t, nil, "plan", "-f", file, "--detailed-exitcode")
	expect(t, r, 0, "No changes.", "Unmanaged (not in the file, left alone in mode adopt): users b_analyst, b_app; roles b_reader, b_writer; privilege groups b_ingest.")

	// Team A adds a user and a grant, and takes Search from its reader.
	edited := strings.Replace(string(data), "users:\n", "users:\n  - name: a_new\n    password: {env: A_NEW_PW}\n    roles: [a_reader]\n", 1)
	edited = strings.Replace(edited, "privilege: Search", "privilege: Query", 1)
	must(t, os.WriteFile(file, []byte(edited), 0o644))
	r = c.run(t, []string{"A_NEW_PW=New-Pw-1234"}, "apply", "-f", file, "--auto-approve")
	expect(t, r, 0, "+ create user a_new", "- revoke Search on default.*", "The cluster matches")
	expect(t, c.run(t, nil, "drift", "-f", file), 0, "No drift.")
	if d := cmp.Diff(before, teamB()); d != "" {
		t.Errorf("team B's part changed (-before +after):\n%s", d)
	}
}
