package plan_test

import (
	"bytes"
	"context"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/milvus-rbac/milvus-rbac/apply"
	"github.com/milvus-rbac/milvus-rbac/milvus"
	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/milvus/milvustest"
	"github.com/milvus-rbac/milvus-rbac/plan"
	"github.com/milvus-rbac/milvus-rbac/privilege"
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
	// Each case runs on every release of the matrix: the plan text is the same, and it must
	// converge on each, unless refusals names the release as one that refuses the case.
	for _, dir := range dirs {
		for _, v := range goldenReleases {
			golden(t, dir, v)
		}
	}
}

// goldenReleases is the matrix of releases the golden cases run on: the last 2.4, the latest
// 2.5, the last 2.6 before the WAL, the first with alias resolution in grants, the first with
// descriptions and standard errors, and 3.0.
var goldenReleases = []release.Version{
	release.V(2, 4, 18), release.V(2, 5, 27), release.V(2, 6, 4), release.V(2, 6, 12), release.V(2, 6, 19), release.V(3, 0, 0),
}

// refusal is a golden case that a release refuses: applying its plan fails with err (a part of
// the error), so that the case cannot converge there. Each is a finding about the tool: it
// sends something that release cannot store.
type refusal struct {
	on  release.Behaviour // the releases that have it refuse the case
	err string
}

// refusals lists the golden cases some releases refuse, by case directory.
var refusals = map[string]refusal{
	// SelectUser and UpdateUser on a user are granted with dbName "*"; from 2.6.12 the proxy
	// resolves the user name as a collection alias in database "*", which does not exist.
	"user_object_privileges": {release.ResolveAliasInGrants, "code 800: database not found[database=*]"},
}

// databasesOf returns the databases the grants of the states name, to seed the emulator with:
// a case that grants in a database describes a cluster where it exists (from 2.6.12 a grant in
// a database that does not exist fails).
func databasesOf(states ...*spec.State) map[string]emulator.Database {
	out := map[string]emulator.Database{}
	for _, st := range states {
		for _, r := range st.Roles {
			for _, g := range r.Grants {
				if g.Database != "" && g.Database != privilege.Wildcard {
					out[g.Database] = emulator.Database{}
				}
			}
		}
	}
	return out
}

func golden(t *testing.T, dir string, v release.Version) {
	t.Run(filepath.Base(dir)+"/"+v.String(), func(t *testing.T) {
		ctx := context.Background()
		desired, err := spec.Load(filepath.Join(dir, "desired.yaml"))
		if err != nil {
			t.Fatalf("desired: %v", err)
		}
		live, err := spec.Load(filepath.Join(dir, "live.yaml"))
		if err != nil {
			t.Fatalf("live: %v", err)
		}
		opts := milvustest.Limits(t, dir, emulator.Options{Version: v, Databases: databasesOf(desired.State, live.State)})
		emu := emulator.New(opts)
		srv := httptest.NewServer(emu)
		defer srv.Close()
		c, err := milvus.New(milvus.Config{URI: srv.URL, Token: "root:Milvus"})
		if err != nil {
			t.Fatal(err)
		}
		milvustest.Seed(t, c, live.State, false)

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
		if r, ok := refusals[filepath.Base(dir)]; ok && release.For(v).Has(r.on) {
			if err := report.Err(); err == nil || !strings.Contains(err.Error(), r.err) {
				t.Fatalf("apply on %s: %v, want the refusal %q", v, err, r.err)
			}
			return
		}
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
