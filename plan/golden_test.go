package plan_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/milvus-rbac/milvus-rbac/apply"
	"github.com/milvus-rbac/milvus-rbac/milvus"
	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/plan"
	"github.com/milvus-rbac/milvus-rbac/release"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// updating reports whether -update was given (the flag is defined in markdown_test.go, in the
// same test binary).
func updating() bool { return flag.Lookup("update").Value.String() == "true" }

// goldenPassword is the password of every user a golden case creates (from env GOLDEN_PW).
const goldenPassword = "Golden-Pw-2026"

// TestGolden plans each case of testdata/golden/<case>: live.yaml is seeded into a fresh
// emulator by direct REST calls, desired.yaml is planned against it, and the text plan must
// equal plan.golden. Then the plan is applied and a new plan must be empty: the case
// converges in one run.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/golden/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	t.Setenv("GOLDEN_PW", goldenPassword)
	// Each case runs on a 2.5 server (era E1) and on a 2.6.19+/3.0 one (era E3, which refuses
	// privilege groups of mixed levels, among other things): the plan text is the same, and
	// it must converge on both.
	eras := []struct {
		name string
		opts emulator.Options
	}{{"E1", emulator.Options{}}, {"E3", emulator.Options{Version: release.V(3, 0, 0)}}}
	for _, dir := range dirs {
		for _, era := range eras {
			golden(t, dir, era.name, era.opts)
		}
	}
}

func golden(t *testing.T, dir, era string, opts emulator.Options) {
	t.Run(filepath.Base(dir)+"/"+era, func(t *testing.T) {
		ctx := context.Background()
		desired, err := spec.Load(filepath.Join(dir, "desired.yaml"))
		if err != nil {
			t.Fatalf("desired: %v", err)
		}
		live, err := spec.Load(filepath.Join(dir, "live.yaml"))
		if err != nil {
			t.Fatalf("live: %v", err)
		}
		opts = withLimits(t, dir, opts)
		emu := emulator.New(opts)
		srv := httptest.NewServer(emu)
		defer srv.Close()
		c, err := milvus.New(milvus.Config{URI: srv.URL, Token: "root:Milvus"})
		if err != nil {
			t.Fatal(err)
		}
		seed(t, c, live.State)

		before, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		p := planAgainst(t, c, desired)
		simulated := plan.Simulate(before.State, p)
		if again, err := plan.Diff(desired, simulated, plan.Options{ConnectedUser: c.User()}); err != nil || !again.Empty() {
			t.Errorf("the simulated state after the plan still differs from desired: %v %v", err, again)
		}
		var got bytes.Buffer
		if err := p.WriteText(&got, plan.TextOptions{SpecName: "desired.yaml"}); err != nil {
			t.Fatal(err)
		}
		goldenFile := filepath.Join(dir, "plan.golden")
		if updating() {
			if err := os.WriteFile(goldenFile, got.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(goldenFile)
		if err != nil {
			t.Fatalf("%v (run make golden to create it)", err)
		}
		if got.String() != string(want) {
			dmp := diffmatchpatch.New()
			t.Errorf("plan differs from %s:\n%s", goldenFile, dmp.DiffPrettyText(dmp.DiffMain(string(want), got.String(), false)))
		}

		passwords := map[string]string{}
		for _, s := range p.Steps {
			if s.Action == plan.CreateUser {
				passwords[s.User] = goldenPassword
			}
		}
		report := apply.Run(ctx, c, p, apply.Options{Passwords: passwords})
		if err := report.Err(); err != nil {
			t.Fatalf("apply: %v", err)
		}
		after, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(simulated, after.State); d != "" {
			t.Errorf("Simulate differs from the cluster after apply (-simulated +cluster):\n%s", d)
		}
		again := planAgainst(t, c, desired)
		if !again.Empty() {
			var b bytes.Buffer
			again.WriteText(&b, plan.TextOptions{})
			t.Fatalf("re-plan after apply is not empty:\n%s", b.String())
		}
		for user := range passwords {
			if !emu.CheckPassword(user, goldenPassword) {
				t.Errorf("user %s was not created with its password", user)
			}
		}
	})
}

// withLimits raises the emulator's user and role quotas (proxy.maxUserNum and maxRoleNum, 100
// and 10 by default, raised on large clusters) to those of the case's limits.json, if any.
func withLimits(t *testing.T, dir string, opts emulator.Options) emulator.Options {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "limits.json"))
	if os.IsNotExist(err) {
		return opts
	}
	var l struct{ MaxUsers, MaxRoles int }
	if err == nil {
		err = json.Unmarshal(data, &l)
	}
	if err != nil {
		t.Fatalf("limits.json: %v", err)
	}
	opts.MaxUsers, opts.MaxRoles = l.MaxUsers, l.MaxRoles
	return opts
}

func planAgainst(t *testing.T, c *milvus.Client, desired *spec.Spec) *plan.Plan {
	t.Helper()
	live, err := c.Read(context.Background())
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	p, err := plan.Diff(desired, live.State, plan.Options{ConnectedUser: c.User(), NoPrivilegeGroups: !live.Features.PrivilegeGroups})
	if err != nil {
		t.Fatalf("diff: %v", err)
	}
	return p
}

// seed creates s on the cluster with plain REST calls, independent of Diff and Run.
func seed(t *testing.T, c *milvus.Client, s *spec.State) {
	t.Helper()
	ctx := context.Background()
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed: %v", err)
		}
	}
	for _, name := range s.GroupNames() {
		check(c.CreatePrivilegeGroup(ctx, name))
		check(c.AddPrivilegesToGroup(ctx, name, s.Groups[name].Privileges))
	}
	for _, name := range s.RoleNames() {
		check(c.CreateRole(ctx, name))
		for _, g := range s.Roles[name].Grants {
			check(c.GrantPrivilege(ctx, name, g))
		}
	}
	for _, name := range s.UserNames() {
		check(c.CreateUser(ctx, name, "Seeded-Pw-1"))
		for _, r := range s.Users[name].Roles {
			check(c.GrantRole(ctx, name, r))
		}
	}
}
