package e2e

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/release"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// Passwords used by the suite; TestNoSecretInAnyOutput scans every output for them.
const (
	alicePW = "Alice-e2e-Secret-1"
	bobPW   = "Bob-e2e-Secret-2!"
	carolPW = "Carol-e2e-Secret-3"
)

var quickstartEnv = []string{
	"QUICKSTART_ALICE_PASSWORD=" + alicePW,
	"QUICKSTART_BOB_PASSWORD=" + bobPW,
	"QUICKSTART_CAROL_PASSWORD=" + carolPW,
}

const quickstart = "../examples/quickstart.yaml"

func TestQuickstartPlanApplyReplan(t *testing.T) {
	c := newCluster(t, emulator.Options{})

	r := c.run(t, quickstartEnv, "plan", "-f", quickstart, "--detailed-exitcode")
	expect(t, r, 2, "+ create user alice with password = (sensitive)", "+ create role reader",
		"Plan: 6 to create, ")

	r = c.run(t, quickstartEnv, "apply", "-f", quickstart, "--auto-approve")
	expect(t, r, 0, "[1/", "The cluster matches ../examples/quickstart.yaml.")
	if !strings.Contains(r.Stderr, "grant role reader to user alice") {
		t.Errorf("progress on stderr lacks the step:\n%s", r)
	}

	r = c.run(t, quickstartEnv, "plan", "-f", quickstart, "--detailed-exitcode")
	expect(t, r, 0, "No changes. The cluster matches ../examples/quickstart.yaml.")

	r = c.run(t, nil, "drift", "-f", quickstart)
	expect(t, r, 0, "No drift.")

	if c.Emu != nil && !c.Emu.CheckPassword("alice", alicePW) {
		t.Error("alice was not created with her password")
	}
}

func TestPlanWithoutChangesNeedsNoPasswords(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	expect(t, c.run(t, quickstartEnv, "apply", "-f", quickstart, "--auto-approve"), 0)
	// Users exist: their passwords are not needed and not read.
	expect(t, c.run(t, nil, "plan", "-f", quickstart, "--detailed-exitcode"), 0, "No changes.")
}

func TestDriftSeesManualChanges(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	expect(t, c.run(t, quickstartEnv, "apply", "-f", quickstart, "--auto-approve"), 0)

	ctx := context.Background()
	must(t, c.Client.GrantPrivilege(ctx, "reader", spec.NewGrant("Delete", "default", "*")))
	must(t, c.Client.RevokeRole(ctx, "bob", "reader"))
	must(t, c.Client.CreateUser(ctx, "mallory", "Mallory-Pw-1"))

	r := c.run(t, nil, "drift", "-f", quickstart)
	expect(t, r, 2,
		"extra   Delete on default.* for role reader",
		"missing role reader of user bob",
		"Unmanaged (not in the file, left alone in mode adopt): users mallory.",
		"Drift: 1 missing, 1 extra.")

	// apply repairs it, leaving the unmanaged user alone.
	expect(t, c.run(t, nil, "apply", "-f", quickstart, "--auto-approve"), 0, "The cluster matches")
	expect(t, c.run(t, nil, "drift", "-f", quickstart), 0, "No drift.")
}

func TestExportRoundTrip(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	ctx := context.Background()
	must(t, c.Client.CreatePrivilegeGroup(ctx, "g"))
	must(t, c.Client.AddPrivilegesToGroup(ctx, "g", []string{"Search", "Query", "GetStatistics"}))
	must(t, c.Client.CreateRole(ctx, "reader"))
	must(t, c.Client.GrantPrivilege(ctx, "reader", spec.NewGrant("g", "sales", "orders")))
	must(t, c.Client.GrantPrivilege(ctx, "reader", spec.NewGrant("Load", "default", "books")))
	must(t, c.Client.GrantPrivilege(ctx, "reader", spec.NewGrant("ClusterReadOnly", "*", "*")))
	must(t, c.Client.GrantPrivilege(ctx, "reader", spec.NewGrant("DescribeCollection", "default", "books")))
	must(t, c.Client.CreateRole(ctx, "ops"))
	must(t, c.Client.GrantPrivilege(ctx, "ops", spec.NewGrant("UpdateUser", "*", "*")))
	must(t, c.Client.CreateUser(ctx, "ann", "Ann-Pw-123"))
	must(t, c.Client.GrantRole(ctx, "ann", "reader"))
	must(t, c.Client.GrantRole(ctx, "ann", "admin"))
	must(t, c.Client.CreateUser(ctx, "ben", "Ben-Pw-123"))

	out := filepath.Join(t.TempDir(), "exported.yaml")
	r := c.run(t, nil, "export", "-o", out)
	expect(t, r, 0, "Wrote "+out+": 2 users, 2 roles, 1 privilege groups.")
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"root", "public", "ClusterAdmin", "password"} {
		if strings.Contains(string(data), s) {
			t.Errorf("export holds %q:\n%s", s, data)
		}
	}
	expect(t, c.run(t, nil, "validate", "-f", out), 0, "is valid: 2 users, 2 roles, 1 privilege groups")
	expect(t, c.run(t, nil, "plan", "-f", out, "--detailed-exitcode"), 0, "No changes.")

	// stdout export is the same file.
	r = c.run(t, nil, "export")
	expect(t, r, 0)
	if r.Stdout != string(data) {
		t.Errorf("export to stdout differs from export -o:\n%s\n---\n%s", r.Stdout, data)
	}
}

func TestInvalidFileChangesNothingAndCallsNothing(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	f := writeFile(t, "access.yaml", `version: 1
roles:
  - name: reader
    grants:
      - privilege: Serch
users:
  - name: 1alice
    password: {env: X}
    roles: [reader]
`)
	for _, args := range [][]string{{"validate"}, {"plan"}, {"apply", "--auto-approve"}, {"drift"}} {
		r := c.run(t, nil, append(args, "-f", f)...)
		expect(t, r, 1, "access.yaml:5: roles[0].grants[0].privilege: unknown privilege \"Serch\" (did you mean \"Search\"?)",
			"access.yaml:7: users[0].name")
	}
	if c.Emu != nil && c.Emu.TotalCalls() != 0 {
		t.Errorf("an invalid file made %d calls: %v", c.Emu.TotalCalls(), c.Emu.Calls())
	}
}

func TestMissingPasswordFailsBeforeAnyChange(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	env := []string{"QUICKSTART_ALICE_PASSWORD=" + alicePW, "QUICKSTART_BOB_PASSWORD=short"}
	for _, args := range [][]string{{"plan"}, {"apply", "--auto-approve"}} {
		r := c.run(t, env, append(args, "-f", quickstart)...)
		expect(t, r, 1, `user "bob"`, `user "carol"`, "QUICKSTART_CAROL_PASSWORD")
		if strings.Contains(r.Stdout+r.Stderr, "short") {
			t.Errorf("output shows the password value:\n%s", r)
		}
	}
	if c.Emu != nil {
		if u := c.Emu.Users(); len(u) != 1 {
			t.Errorf("users after failed runs: %v, want only root", u)
		}
	}
}

func TestApplyNeedsApprovalWithoutATerminal(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	r := c.run(t, quickstartEnv, "apply", "-f", quickstart)
	expect(t, r, 1, "--auto-approve")
	if c.Emu != nil && c.Emu.TotalCalls() != 0 {
		t.Errorf("calls made: %v", c.Emu.Calls())
	}
}

func TestConnectionErrorsSayWhatToCheck(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	r := c.run(t, []string{"MILVUS_URI=http://127.0.0.1:1"}, "plan", "-f", quickstart)
	expect(t, r, 1, "Hint:")
	if strings.Count(strings.TrimSpace(r.Stderr), "\n") > 1 {
		t.Errorf("connection refused should be one error line and one hint:\n%s", r)
	}

	r = c.run(t, []string{"MILVUS_TOKEN=root:wrong-password"}, "plan", "-f", quickstart)
	expect(t, r, 1, "401", "MILVUS_TOKEN")
	if strings.Contains(r.Stdout+r.Stderr, "wrong-password") {
		t.Errorf("output shows the token:\n%s", r)
	}
}

func TestAuthoritativeDropsButKeepsTheOperator(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	ctx := context.Background()
	must(t, c.Client.CreateRole(ctx, "ops"))
	must(t, c.Client.GrantPrivilege(ctx, "ops", spec.NewGrant("ClusterAdmin", "*", "*")))
	must(t, c.Client.CreateUser(ctx, "operator", "Operator-Pw-1"))
	must(t, c.Client.GrantRole(ctx, "operator", "admin"))
	must(t, c.Client.GrantRole(ctx, "operator", "ops"))
	must(t, c.Client.CreateRole(ctx, "stale"))
	must(t, c.Client.GrantPrivilege(ctx, "stale", spec.NewGrant("Search", "a", "*")))
	must(t, c.Client.GrantPrivilege(ctx, "stale", spec.NewGrant("Query", "b", "c")))
	must(t, c.Client.CreateUser(ctx, "leaver", "Leaver-Pw-1"))
	must(t, c.Client.GrantRole(ctx, "leaver", "stale"))

	f := writeFile(t, "access.yaml", "version: 1\nmode: authoritative\n")
	env := []string{"MILVUS_TOKEN=operator:Operator-Pw-1"}
	r := c.run(t, env, "plan", "-f", f)
	expect(t, r, 0, "- drop role stale", "- drop user leaver",
		"role ops is not dropped: user operator holds it and it is the user milvus-rbac connects as",
		"user operator is not dropped: it is the user milvus-rbac connects as")

	expect(t, c.run(t, env, "apply", "-f", f, "--auto-approve"), 0, "The cluster matches")
	expect(t, c.run(t, env, "plan", "-f", f, "--detailed-exitcode"), 0, "No changes.")
	if c.Emu != nil {
		users := c.Emu.Users()
		if _, ok := users["operator"]; !ok || len(users) != 2 {
			t.Errorf("users after apply: %v, want root and operator", users)
		}
	}
}

func TestReadMakesTheMinimumNumberOfCalls(t *testing.T) {
	if live() {
		t.Skip("counts calls on the emulator")
	}
	c := newCluster(t, emulator.Options{})
	expect(t, c.run(t, quickstartEnv, "apply", "-f", quickstart, "--auto-approve"), 0)
	c.Emu.ResetCalls()
	expect(t, c.run(t, nil, "drift", "-f", quickstart), 0)
	// 4 users (root, alice, bob, carol), 4 roles (admin, public, reader, writer): U + R + 3.
	if got, want := c.Emu.TotalCalls(), 4+4+3; got != want {
		t.Errorf("drift made %d calls, want %d: %v", got, want, c.Emu.Calls())
	}
}

func TestNoSecretInAnyOutput(t *testing.T) {
	const rootPW = "Root-e2e-Secret-4"
	c := newCluster(t, emulator.Options{RootPassword: rootPW})
	var all strings.Builder
	dir := t.TempDir()
	out := filepath.Join(dir, "export.yaml")
	saved := filepath.Join(dir, "plan.json")
	for _, args := range [][]string{
		{"validate", "-f", quickstart},
		{"plan", "-f", quickstart},
		{"plan", "-f", quickstart, "--format", "json", "--out", saved},
		{"plan", "-f", quickstart, "--format", "markdown"},
		{"plan", "-f", quickstart, "--format", "diff"},
		{"drift", "-f", quickstart, "--format", "json"},
		{"apply", "--plan", saved},
		{"plan", "-f", quickstart},
		{"drift", "-f", quickstart},
		{"export", "-o", out},
		{"export"},
		{"access", "--can", "Insert", "--on", "default.orders"},
		{"access", "--user", "alice", "--format", "json"},
		{"check", "-f", quickstart, "--policy", "../examples/policies/least-privilege.yaml"},
		{"plan", "-f", quickstart, "--token", c.Token},
		{"plan", "-f", quickstart, "--token", "root:not-the-password"},
	} {
		switch args[0] {
		case "validate", "check": // no cluster, no -v
		case "export", "access":
			args = append(args, "-v")
		default:
			args = append(args, "-v", "--check-passwords")
		}
		r := c.run(t, quickstartEnv, args...)
		if r.Code == 1 && !slices.Contains(args, "root:not-the-password") { // that one must fail: its error is scanned
			// A run that failed early would scan as clean without having printed anything.
			t.Errorf("%v failed:\n%s", args, r)
		}
		all.WriteString(r.Stdout + r.Stderr)
	}
	for _, f := range []string{out, saved} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(data)
	}
	secrets := []string{alicePW, bobPW, carolPW, "not-the-password"}
	if c.Emu != nil {
		secrets = append(secrets, rootPW)
	}
	for _, secret := range secrets {
		if strings.Contains(all.String(), secret) {
			t.Errorf("output holds the secret %q", secret)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestExportDottedUserNames: Milvus 2.6 and later accept "." and "-" in user names, which
// only password_policy milvus allows in a file: the export of such a cluster says so and
// plans to no change.
func TestExportDottedUserNames(t *testing.T) {
	c := newCluster(t, emulator.Options{Version: release.V(2, 6, 19)})
	ctx := context.Background()
	must(t, c.Client.CreateUser(ctx, "etl.nightly", "Etl-Pw-1234"))
	must(t, c.Client.CreateUser(ctx, "web-app", "Web-Pw-1234"))
	out := filepath.Join(t.TempDir(), "exported.yaml")
	expect(t, c.run(t, nil, "export", "-o", out), 0, "2 users")
	expect(t, c.run(t, nil, "validate", "-f", out), 0, "is valid: 2 users")
	expect(t, c.run(t, nil, "plan", "-f", out, "--detailed-exitcode"), 0, "No changes.")
}

// TestPlanWithoutPasswordSecrets: a pull request's plan job holds the reader token and no
// password secrets. Its plan of new users works, noting that apply needs each password; apply
// without them fails before any change.
func TestPlanWithoutPasswordSecrets(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	r := c.run(t, nil, "plan", "-f", quickstart, "--detailed-exitcode")
	expect(t, r, 2, "+ create user alice", `Note: `, `user "carol": environment variable QUICKSTART_CAROL_PASSWORD is not set here; apply needs it`)
	r = c.run(t, nil, "apply", "-f", quickstart, "--auto-approve")
	expect(t, r, 1, "QUICKSTART_CAROL_PASSWORD is not set")
	if c.Emu != nil && mutations(c.Emu) != 0 {
		t.Errorf("apply without passwords made %d mutations: %v", mutations(c.Emu), c.Emu.Calls())
	}
}
