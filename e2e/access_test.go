package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

func TestPlanShowsTheAccessDelta(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	expect(t, c.run(t, quickstartEnv, "apply", "-f", quickstart, "--auto-approve"), 0)
	f := writeFile(t, "access.yaml", `version: 1
roles:
  - name: reader
    grants:
      - privilege: search_only
        collection: books
      - privilege: DatabaseReadOnly
  - name: writer
    grants:
      - privilege: CollectionReadWrite
      - privilege: DatabaseReadOnly
  - name: ops
    grants:
      - privilege: ClusterAdmin
privilege_groups:
  - name: search_only
    privileges: [Query, Search]
users:
  - name: alice
    password: {env: QUICKSTART_ALICE_PASSWORD}
    roles: [reader]
  - name: bob
    password: {env: QUICKSTART_BOB_PASSWORD}
    roles: [reader, writer, ops]
  - name: carol
    password: {env: QUICKSTART_CAROL_PASSWORD}
    roles: [writer]
`)
	r := c.run(t, nil, "plan", "-f", f)
	expect(t, r, 0, "Effective access changes:",
		"⚠ bob gains ClusterAdmin on *.*", "escalation:",
		"bob gains CollectionReadWrite on default.* (", "alice loses CollectionReadWrite on default.* (")

	r = c.run(t, nil, "plan", "-f", f, "--format", "markdown")
	expect(t, r, 0, "**Effective access changes**", "⚠ **escalation**: `bob` gains `ClusterAdmin`")
	summary, delta, steps := strings.Index(r.Stdout, "### milvus-rbac plan"), strings.Index(r.Stdout, "**Effective access changes**"), strings.Index(r.Stdout, "<details>")
	if !(summary == 0 && summary < delta && delta < steps) {
		t.Errorf("the access delta is not right after the summary line:\n%s", r.Stdout)
	}
	r = c.run(t, nil, "plan", "-f", f, "--format", "json")
	expect(t, r, 0, `"access_delta": [`, `"escalation": true`)
}

func TestLockoutIsRefused(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	ctx := context.Background()
	must(t, c.Client.CreateRole(ctx, "ops"))
	must(t, c.Client.GrantPrivilege(ctx, "ops", spec.NewGrant("ClusterAdmin", "*", "*")))
	must(t, c.Client.CreateUser(ctx, "operator", "Operator-Pw-1"))
	must(t, c.Client.GrantRole(ctx, "operator", "ops"))
	env := []string{"MILVUS_TOKEN=operator:Operator-Pw-1"}

	// The file keeps role ops but takes ClusterAdmin from it: the operator would lose
	// CreateOwnership, ManageOwnership ... and could not run milvus-rbac again.
	f := writeFile(t, "access.yaml", `version: 1
roles:
  - name: ops
    grants:
      - privilege: DatabaseReadOnly
users:
  - name: operator
    roles: [ops]
`)
	if c.Emu != nil {
		c.Emu.ResetCalls()
	}
	r := c.run(t, env, "apply", "-f", f, "--auto-approve")
	expect(t, r, 1, "refused, nothing was changed: the plan would take", "from user operator, the user milvus-rbac connects as", "--allow-self-lockout")
	if c.Emu != nil && mutations(c.Emu) != 0 {
		t.Errorf("a refused plan changed the cluster: %v", c.Emu.Calls())
	}
	expect(t, c.run(t, env, "plan", "-f", f), 1, "refused: the plan would take")
	expect(t, c.run(t, env, "plan", "-f", f, "--allow-self-lockout"), 0, "- revoke ClusterAdmin on *.*")

	// As root, nothing locks the operator out: root passes every check.
	expect(t, c.run(t, nil, "plan", "-f", f), 0, "- revoke ClusterAdmin on *.*")
}

func TestAccessAndCheckCommands(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	r := c.run(t, nil, "access", "-f", quickstart, "--user", "bob")
	expect(t, r, 0, "Search", "default.books", "role reader")
	r = c.run(t, nil, "access", "-f", quickstart, "--can", "Insert", "--on", "default.orders")
	expect(t, r, 0, "alice", "carol")
	if strings.Contains(r.Stdout, "bob ") {
		t.Errorf("bob cannot insert, yet is listed:\n%s", r)
	}
	r = c.run(t, nil, "access", "-f", quickstart, "--user", "bob", "--format", "json")
	expect(t, r, 0, `"format_version"`)

	// From the live cluster, after apply, the answer is the same.
	expect(t, c.run(t, quickstartEnv, "apply", "-f", quickstart, "--auto-approve"), 0)
	r = c.run(t, nil, "access", "--can", "Insert", "--on", "default.orders")
	expect(t, r, 0, "alice", "carol")

	expect(t, c.run(t, nil, "check", "-f", quickstart, "--policy", "../examples/policies/least-privilege.yaml"), 0)
	bad := writeFile(t, "access.yaml", `version: 1
roles:
  - name: ops
    grants:
      - privilege: ClusterAdmin
users:
  - name: dave
    password: {env: X}
    roles: [ops]
  - name: erin
    password: {env: X}
`)
	// Violations exit 3; an invalid policy file exits 1.
	r = c.run(t, nil, "check", "-f", bad, "--policy", "../examples/policies/production.yaml")
	expect(t, r, 3, "dave", "ClusterAdmin")
	badPolicy := writeFile(t, "policy.yaml", "version: 1\nrules:\n  - deny: {privilege: Delet}\n")
	r = c.run(t, nil, "check", "-f", bad, "--policy", badPolicy)
	expect(t, r, 1, `rules[0].deny.privilege: unknown privilege "Delet" (did you mean "Delete"?)`)

	// Without -f, check reads the cluster, as access does.
	r = c.run(t, nil, "check", "--policy", "../examples/policies/least-privilege.yaml")
	expect(t, r, 0, "the cluster at "+c.URI, "passes")
	must(t, c.Client.CreateRole(context.Background(), "ops"))
	must(t, c.Client.GrantPrivilege(context.Background(), "ops", spec.NewGrant("ClusterAdmin", "*", "*")))
	must(t, c.Client.GrantRole(context.Background(), "alice", "ops"))
	r = c.run(t, nil, "check", "--policy", "../examples/policies/production.yaml")
	expect(t, r, 3, "the cluster at "+c.URI, "breaks", "alice", "ClusterAdmin")
}

// TestCheckStrict: a case the model cannot decide (a role the file does not describe)
// passes, and fails under --strict.
func TestCheckStrict(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	file := writeFile(t, "access.yaml", `version: 1
protect:
  roles: [db_rw]
users:
  - name: dave
    password: {env: X}
    roles: [db_rw]
`)
	policy := writeFile(t, "policy.yaml", "version: 1\nrules:\n  - deny: {privilege: Delete, database: prod}\n")
	r := c.run(t, nil, "check", "-f", file, "--policy", policy)
	expect(t, r, 0, "1 case(s) the model cannot decide (--strict makes them fail)")
	r = c.run(t, nil, "check", "-f", file, "--policy", policy, "--strict")
	expect(t, r, 3, "fails "+policy+" under --strict")
}
