package e2e

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/milvus-rbac/milvus-rbac/schematest"

	"github.com/milvus-rbac/milvus-rbac/access"
	"github.com/milvus-rbac/milvus-rbac/fleet"
	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/plan"
	"github.com/milvus-rbac/milvus-rbac/policy"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// compileSchema compiles docs/name.
func compileSchema(t *testing.T, name string) *jsonschema.Schema {
	return schematest.Compile(t, filepath.Join("../docs", name))
}

// validateJSON fails t unless out is JSON that matches sch.
func validateJSON(t *testing.T, sch *jsonschema.Schema, what, out string) {
	schematest.Validate(t, sch, what, out)
}

// TestEveryJSONDocumentMatchesItsSchema: plan, drift, access (its three kinds) and check
// write JSON that their schema in docs/ describes completely: the schemas refuse fields they
// do not list, so a field added without documenting it fails here.
func TestEveryJSONDocumentMatchesItsSchema(t *testing.T) {
	planSch := compileSchema(t, "plan.schema.json")
	accessSch := compileSchema(t, "access.schema.json")
	checkSch := compileSchema(t, "check.schema.json")
	c := newCluster(t, emulator.Options{})

	r := c.run(t, quickstartEnv, "plan", "-f", quickstart, "--format", "json", "--detailed-exitcode")
	expect(t, r, 2, `"access_delta"`, `"gained"`)
	validateJSON(t, planSch, "plan --format json", r.Stdout)
	r = c.run(t, quickstartEnv, "drift", "-f", quickstart, "--format", "json")
	expect(t, r, 2, `"kind": "drift"`)
	validateJSON(t, planSch, "drift --format json", r.Stdout)

	for _, source := range [][]string{{"-f", quickstart}, {}} {
		for _, args := range [][]string{{"--user", "bob"}, {}, {"--can", "Insert", "--on", "default.books"}, {"--user", "bob", "--can", "Search", "--on", "default.books"}} {
			all := append(append([]string{"access", "--format", "json"}, source...), args...)
			r = c.run(t, quickstartEnv, all...)
			expect(t, r, 0, `"kind": "access_`)
			validateJSON(t, accessSch, strings.Join(all, " "), r.Stdout)
		}
		if len(source) > 0 {
			expect(t, c.run(t, quickstartEnv, "apply", "-f", quickstart, "--auto-approve"), 0)
		}
	}

	r = c.run(t, nil, "check", "-f", quickstart, "--policy", "../examples/policies/least-privilege.yaml", "--format", "json")
	expect(t, r, 0, `"passed": true`)
	validateJSON(t, checkSch, "check (passing)", r.Stdout)
	ctx := context.Background()
	must(t, c.Client.CreateRole(ctx, "ops"))
	must(t, c.Client.GrantPrivilege(ctx, "ops", spec.NewGrant("ClusterAdmin", "*", "*")))
	must(t, c.Client.GrantRole(ctx, "alice", "ops"))
	r = c.run(t, nil, "check", "--policy", "../examples/policies/production.yaml", "--format", "json")
	expect(t, r, 3, `"passed": false`, `"violations"`)
	validateJSON(t, checkSch, "check (violations, live)", r.Stdout)
	expect(t, c.run(t, quickstartEnv, "apply", "-f", quickstart, "--auto-approve"), 0)
	r = c.run(t, quickstartEnv, "drift", "-f", quickstart, "--format", "json")
	expect(t, r, 0, `"changes": false`)
	validateJSON(t, planSch, "empty drift", r.Stdout)
}

// TestOneVersioningRule: every JSON document follows the rule of docs/json-formats.md: a
// format_version "MAJOR.MINOR" (the same constant form in each package), a schema in docs/
// whose format_version pattern is the rule's, and the document named in json-formats.md.
func TestOneVersioningRule(t *testing.T) {
	rule := regexp.MustCompile(`^1\.[0-9]+$`)
	for pkg, v := range map[string]string{"plan": plan.FormatVersion, "access": access.FormatVersion, "policy": policy.FormatVersion, "fleet": fleet.FormatVersion} {
		if !rule.MatchString(v) {
			t.Errorf("%s.FormatVersion = %q, not MAJOR.MINOR of major 1", pkg, v)
		}
	}
	doc, err := os.ReadFile("../docs/json-formats.md")
	if err != nil {
		t.Fatal(err)
	}
	schemas, _ := filepath.Glob("../docs/*.schema.json")
	if len(schemas) < 3 {
		t.Fatalf("schemas in docs/: %v", schemas)
	}
	for _, s := range schemas {
		name := filepath.Base(s)
		if !strings.Contains(string(doc), "("+name+")") {
			t.Errorf("docs/json-formats.md does not link %s", name)
		}
		data, _ := os.ReadFile(s)
		if !strings.Contains(string(data), `"pattern": "^1\\.[0-9]+$"`) {
			t.Errorf("%s does not hold format_version to the rule's pattern", name)
		}
	}
	// The README's JSON plan is real output, so it carries the current version (it said
	// 1.1 when plans were 1.2).
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("```json\n" + `\{\n  "format_version": "([^"]+)",\n  "kind": "plan"`).FindSubmatch(readme)
	if m == nil || string(m[1]) != plan.FormatVersion {
		t.Errorf("README's JSON plan is not at format_version %s: %q", plan.FormatVersion, m)
	}
}
