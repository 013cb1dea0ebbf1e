package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// fleetSetup is three clusters, dev, staging and prod, sharing a spec directory with a template
// over the databases each has, and an overlay each.
type fleetSetup struct {
	dir, targets string
	clusters     map[string]*cluster
	env          []string
}

func newFleet(t *testing.T) *fleetSetup {
	t.Helper()
	f := &fleetSetup{dir: t.TempDir(), clusters: map[string]*cluster{}}
	for _, n := range []string{"dev", "staging", "prod"} {
		f.clusters[n] = newCluster(t, emulator.Options{})
		f.env = append(f.env, "TOKEN_"+strings.ToUpper(n)+"="+f.clusters[n].Token)
	}
	f.env = append(f.env, "APP_PW=App-Pw-12345", "TESTER_PW=Tester-Pw-123", "ONCALL_PW=Oncall-Pw-123")
	files := map[string]string{
		"access/00-base.yaml": `version: 1
mode: adopt
templates:
  - name: db_access
    roles:
      - name: "{db}_reader"
        grants:
          - privilege: CollectionReadOnly
            database: "{db}"
      - name: "{db}_writer"
        grants:
          - privilege: CollectionReadWrite
            database: "{db}"
instances:
  - template: db_access
    databases: {var: databases}
`,
		"access/app.yaml": `version: 1
users:
  - name: app
    password: {env: APP_PW}
    roles: [sales_writer]
`,
		"overlays/dev.yaml": `version: 1
users:
  - name: tester
    password: {env: TESTER_PW}
    roles: [sales_writer, sales_reader]
`,
		"overlays/prod.yaml": `version: 1
users:
  - name: oncall
    password: {env: ONCALL_PW}
    roles: [sales_reader]
`,
		"targets.yaml": `version: 1
defaults:
  files: [access]
  concurrency: 4
targets:
  - name: dev
    uri: ` + f.clusters["dev"].URI + `
    token_env: TOKEN_DEV
    overlays: [overlays/dev.yaml]
    variables: {databases: [sales]}
  - name: staging
    uri: ` + f.clusters["staging"].URI + `
    token_env: TOKEN_STAGING
    variables: {databases: [sales, hr]}
  - name: prod
    uri: ` + f.clusters["prod"].URI + `
    token_env: TOKEN_PROD
    overlays: [overlays/prod.yaml]
    variables: {databases: [sales, hr, ops]}
    rate: 100
`,
	}
	for name, src := range files {
		p := filepath.Join(f.dir, name)
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, []byte(src), 0o644))
	}
	f.targets = filepath.Join(f.dir, "targets.yaml")
	return f
}

// run runs the binary with the fleet's environment, overriding variables with extra.
func (f *fleetSetup) run(t *testing.T, extra []string, args ...string) result {
	t.Helper()
	return f.clusters["dev"].run(t, append(append([]string{}, f.env...), extra...), args...)
}

// roles is the sorted role names of a cluster.
func (f *fleetSetup) roles(t *testing.T, name string) []string {
	t.Helper()
	live, err := f.clusters[name].Client.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return live.State.RoleNames()
}

// TestFleetPlanApplyDrift: a plan over all targets reports each with its own changes (the
// template expanded over each cluster's databases, each overlay's user) and exits 2; an apply
// with prod's token wrong converges dev and staging, reports prod's failure and exits 1; after
// prod is fixed, drift over all is clean, and a manual change on staging is drift there only.
func TestFleetPlanApplyDrift(t *testing.T) {
	f := newFleet(t)
	r := f.run(t, nil, "plan", "--targets", f.targets)
	expect(t, r, 2, "milvus-rbac plan over 3 target(s): 3 with changes, 0 failed",
		"== target dev (", "== target staging (", "== target prod (",
		"+ create user tester", "+ create user oncall", "+ create role ops_writer",
		"TARGET   CHANGES  DESTRUCTIVE  DRIFT  ERROR\ndev      9        0            -      -\nstaging  10       0            -      -\nprod     16       0            -      -\n")
	if strings.Contains(sectionOf(r.Stdout, "dev"), "hr_reader") || strings.Contains(sectionOf(r.Stdout, "staging"), "create user tester") {
		t.Errorf("a target got another's template values or overlay:\n%s", r.Stdout)
	}

	// JSON and markdown: one document, one comment.
	r = f.run(t, nil, "plan", "--targets", f.targets, "--format", "json")
	expect(t, r, 2, `"kind": "fleet_plan"`)
	validateJSON(t, compileSchema(t, "fleet.schema.json"), "plan --targets --format json", r.Stdout)
	var rep struct {
		Targets []struct {
			Name     string
			Document json.RawMessage
		}
	}
	must(t, json.Unmarshal([]byte(r.Stdout), &rep))
	planSch := compileSchema(t, "plan.schema.json")
	for _, tr := range rep.Targets {
		validateJSON(t, planSch, "document of "+tr.Name, string(tr.Document))
	}
	r = f.run(t, nil, "plan", "--targets", f.targets, "--format", "markdown")
	expect(t, r, 2, "| target | changes | destructive | drift | error |", "<details><summary>prod: 16 change(s), 0 destructive</summary>")
	if len(r.Stdout) > 65535 {
		t.Errorf("the comment is %d characters, above GitHub's cap", len(r.Stdout))
	}
	expect(t, f.run(t, nil, "plan", "--targets", f.targets, "--target", "stagin"), 1, `--target stagin: no such target in `+f.targets+` (did you mean "staging"?)`)

	// Apply with prod failing: the others converge.
	r = f.run(t, []string{"TOKEN_PROD=root:wrong-password"}, "apply", "--targets", f.targets, "--auto-approve")
	expect(t, r, 1, "milvus-rbac apply over 3 target(s): 2 changed, 1 failed", "The cluster matches", "401")
	if !strings.Contains(summaryRow(r.Stdout, "prod"), "401") || strings.Contains(summaryRow(r.Stdout, "dev"), "401") {
		t.Errorf("the summary does not put the failure on prod alone:\n%s", r.Stdout)
	}
	if got := f.roles(t, "prod"); len(got) != 2 { // admin and public only
		t.Errorf("prod changed though its apply failed: %v", got)
	}
	r = f.run(t, nil, "plan", "--targets", f.targets, "--target", "dev", "--target", "staging")
	expect(t, r, 0, "dev      0        0", "staging  0        0")

	// Prod fixed: apply it alone, then drift over all is clean.
	r = f.run(t, nil, "apply", "--targets", f.targets, "--target", "prod", "--auto-approve")
	expect(t, r, 0, "1 changed, 0 failed")
	if strings.Contains(r.Stderr, "Saved the plan") || strings.Contains(r.Stderr, "Applying the plan saved in") {
		t.Errorf("apply --targets suggests applying its own temporary plan:\n%s", r)
	}
	expect(t, f.run(t, nil, "drift", "--targets", f.targets), 0, "0 drifted, 0 failed")
	must(t, f.clusters["staging"].Client.GrantRole(context.Background(), "app", "hr_reader"))
	r = f.run(t, nil, "drift", "--targets", f.targets)
	expect(t, r, 2, "1 drifted, 0 failed", "extra   role hr_reader of user app")
	if row := summaryRow(r.Stdout, "staging"); !strings.Contains(row, " 1 ") {
		t.Errorf("staging's drift row: %q", row)
	}
}

// TestFleetCheck: check --targets checks each target's own spec (its overlay included)
// against the policy, without its cluster: a rule only prod's overlay breaks fails prod alone,
// and the run exits 3.
func TestFleetCheck(t *testing.T) {
	f := newFleet(t)
	policy := writeFile(t, "policy.yaml", `version: 1
rules:
  - name: sales-reads-by-apps-only
    deny:
      privileges: [Search]
      database: sales
      except_users: [app, tester]
`)
	r := f.run(t, []string{"TOKEN_PROD="}, "check", "--targets", f.targets, "--policy", policy)
	expect(t, r, 3, "milvus-rbac check over 3 target(s): 1 in violation, 0 failed", "rule sales-reads-by-apps-only")
	// The table counts violations under their own heading, not under CHANGES.
	expect(t, r, 3, "Summary:\nTARGET   VIOLATIONS  ERROR\n")
	for name, want := range map[string]string{"dev": "dev      0           -", "staging": "staging  0           -"} {
		if row := summaryRow(r.Stdout, name); row != want {
			t.Errorf("%s's row %q, want %q", name, row, want)
		}
	}
	if f := strings.Fields(summaryRow(r.Stdout, "prod")); len(f) != 3 || f[1] == "0" || f[2] != "-" {
		t.Errorf("prod breaks the rule through its overlay:\n%s", r.Stdout)
	}
}

// TestFleetSavedPlans: plan --targets --out DIR saves one plan per target; apply --plan DIR
// applies each, checked for staleness on its own: a cluster changed meanwhile makes its
// target stale (exit 1) while the others apply.
func TestFleetSavedPlans(t *testing.T) {
	f := newFleet(t)
	out := filepath.Join(t.TempDir(), "plans")
	r := f.run(t, nil, "plan", "--targets", f.targets, "--out", out)
	// The hint applies the saved plans through the targets file: a target's plan alone would
	// be applied against the default cluster.
	expect(t, r, 2, "[dev] Saved the plan to "+filepath.Join(out, "dev.json")+": apply it with `milvus-rbac apply --targets "+f.targets+" --plan "+out+"`.")
	for _, n := range []string{"dev", "staging", "prod"} {
		if _, err := os.Stat(filepath.Join(out, n+".json")); err != nil {
			t.Errorf("no saved plan for %s: %v", n, err)
		}
	}
	// Someone creates a role on staging: its saved plan no longer fits... only if the plan
	// changes; a role the file wants does.
	must(t, f.clusters["staging"].Client.CreateRole(context.Background(), "hr_reader"))
	r = f.run(t, nil, "apply", "--targets", f.targets, "--plan", out)
	expect(t, r, 1, "2 changed, 1 failed", "The saved plan "+filepath.Join(out, "staging.json")+" is stale")
	if got := f.roles(t, "dev"); !contains(got, "sales_writer") {
		t.Errorf("dev was not applied: %v", got)
	}
	if got := f.roles(t, "staging"); contains(got, "sales_writer") {
		t.Errorf("staging was applied from a stale plan: %v", got)
	}
	_ = spec.KindRole
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// sectionOf is the text report's section of target name.
func sectionOf(report, name string) string {
	i := strings.Index(report, "== target "+name+" (")
	if i < 0 {
		return ""
	}
	rest := report[i+1:]
	if j := strings.Index(rest, "\n== target "); j >= 0 {
		return rest[:j]
	}
	return rest
}

// summaryRow is the summary table's row of target name.
func summaryRow(report, name string) string {
	i := strings.Index(report, "\nSummary:\n")
	for _, l := range strings.Split(report[i+1:], "\n") {
		if strings.HasPrefix(l, name+" ") {
			return l
		}
	}
	return ""
}
