package fleet

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/milvus-rbac/milvus-rbac/problem"
)

func TestParseTargets(t *testing.T) {
	ts, err := Parse("ops/targets.yaml", []byte(`version: 1
defaults:
  files: [access]
  concurrency: 8
  variables: {databases: [sales]}
targets:
  - name: dev
    uri: http://dev:19530
    token_env: TOKEN_DEV
  - name: prod-eu
    uri: https://prod-eu:19530
    token_env: TOKEN_PROD
    files: [/etc/rbac]
    overlays: [overlays/prod.yaml]
    variables: {databases: [sales, hr]}
    rate: 50
    milvus_version: 2.6.19
`))
	if err != nil {
		t.Fatal(err)
	}
	want := []Target{
		{Name: "dev", URI: "http://dev:19530", TokenEnv: "TOKEN_DEV", Files: []string{"ops/access"}, Concurrency: 8,
			Variables: map[string][]string{"databases": {"sales"}}, Line: 7},
		{Name: "prod-eu", URI: "https://prod-eu:19530", TokenEnv: "TOKEN_PROD", Files: []string{"/etc/rbac"}, Overlays: []string{"ops/overlays/prod.yaml"},
			Concurrency: 8, Rate: 50, MilvusVersion: "2.6.19", Variables: map[string][]string{"databases": {"sales", "hr"}}, Line: 10},
	}
	if d := cmp.Diff(want, ts.Targets); d != "" {
		t.Errorf("targets (-want +got):\n%s", d)
	}
	if _, err := ts.Select([]string{"prod-e"}); err == nil || err.Error() != `--target prod-e: no such target in ops/targets.yaml (did you mean "prod-eu"?)` {
		t.Errorf("select: %v", err)
	}
	// Several unknown names read as every other list of problems: "N problems:" then one per line.
	want2 := "2 problems:\n  - --target prod-e: no such target in ops/targets.yaml (did you mean \"prod-eu\"?)\n  - --target stagin: no such target in ops/targets.yaml"
	if _, err := ts.Select([]string{"prod-e", "stagin"}); err == nil || err.Error() != want2 {
		t.Errorf("select two unknown:\n%v\nwant:\n%s", err, want2)
	}
}

// TestParseTargetsProblems: every problem at once, each with its line and path.
func TestParseTargetsProblems(t *testing.T) {
	_, err := Parse("targets.yaml", []byte(`version: 1
targets:
  - name: dev
    uri: http://dev:19530
    files: [a]
    concurency: 4
  - name: dev
    uri: http://dev2:19530
    files: [a]
  - name: "bad name"
    files: [a]
    token_env: 1TOKEN
    milvus_version: 2.3.0
  - name: qa
    uri: qa:19530
    files: [a]
`))
	var ps *problem.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want problems, got %v", err)
	}
	want := []string{
		`targets.yaml:6: targets[0]: unknown key "concurency" (did you mean "concurrency"?)`,
		`targets.yaml:7: targets[1]: target "dev" is listed twice (first at line 3)`,
		`targets.yaml:10: targets[2].name: a target name is letters, digits, '_', '.' and '-', at most 63, not starting with a punctuation mark (it names a file of plan --out DIR)`,
		`targets.yaml:10: targets[2]: uri is missing: the cluster's REST URI`,
		`targets.yaml:12: targets[2].token_env: must name an environment variable: letters, digits and underscores, not starting with a digit`,
		`targets.yaml:13: targets[2].milvus_version: Milvus 2.3.0 is not supported: before 2.4.3, roles/describe ignores dbName, so grants outside the default database cannot be read; upgrade to 2.4.3 or later`,
		`targets.yaml:15: targets[3].uri: must start with http:// or https:// (http://host:port)`,
	}
	got := ps.Lines()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("problems (-want +got):\n%s", d)
	}
}
