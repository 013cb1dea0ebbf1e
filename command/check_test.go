package command

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

const checkTestPolicy = `version: 1
rules:
  - name: sales-deletes-by-writers-only
    deny:
      privilege: Delete
      database: sales
      except_roles: [writer]
  - name: every-user-has-a-role
    require_role: true
`

func TestCheck(t *testing.T) {
	file := accessTempFile(t, "access.yaml", accessTestSpec)
	cases := map[string]struct {
		policy     string
		code       int
		has, hasnt []string
	}{
		"a violation through admin, with the path, exits 3": {
			policy: checkTestPolicy, code: ExitViolations,
			has: []string{
				":3: violation of rule sales-deletes-by-writers-only: user boss holds Delete in database sales\n    boss → role admin (passes every check)\n",
				"breaks", "1 violation(s).",
			},
			hasnt: []string{"user_2", "user_1"},
		},
		"passing": {
			policy: "version: 1\nrules:\n  - deny: {privilege: Delete, database: sales, except_roles: [writer, admin]}\n",
			has:    []string{"passes", "(1 rule)."},
		},
		"an invalid policy exits 1, naming its line and path, with a suggestion": {
			policy: "version: 1\nrules:\n  - deny: {privilege: Delet}\n", code: ExitError,
			has: []string{`:3: rules[0].deny.privilege: unknown privilege "Delet" (did you mean "Delete"?)`},
		},
		"a typo in a key gets a suggestion, not a Go type name": {
			policy: "version: 1\nrules:\n  - deny: {privilege: Delete, databse: sales}\n  - require_roles: true\n", code: ExitError,
			has: []string{
				`:3: rules[0].deny: unknown key "databse" (did you mean "database"?)`,
				`:4: rules[1]: unknown key "require_roles" (did you mean "require_role"?)`,
			},
			hasnt: []string{"policy.Deny", "ruleYAML", "not found in type"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			pol := accessTempFile(t, "policy.yaml", tc.policy)
			code, out, errs := accessRun(func(s Streams) error { return Check(context.Background(), s, CheckOptions{File: file, Policy: pol}) })
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errs)
			}
			text := out + errs
			expectText(t, text, tc.has, tc.hasnt)
		})
	}
}

func TestCheckJSONAndArguments(t *testing.T) {
	file := accessTempFile(t, "access.yaml", accessTestSpec)
	pol := accessTempFile(t, "policy.yaml", checkTestPolicy)
	code, out, _ := accessRun(func(s Streams) error {
		return Check(context.Background(), s, CheckOptions{File: file, Policy: pol, Format: "json"})
	})
	var r struct {
		Passed     bool `json:"passed"`
		Violations []struct {
			User  string `json:"user"`
			Paths []struct {
				Kind string `json:"kind"`
			} `json:"paths"`
		} `json:"violations"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if code != ExitViolations || r.Passed || len(r.Violations) != 1 || r.Violations[0].User != "boss" || r.Violations[0].Paths[0].Kind != "admin" {
		t.Errorf("exit %d, report %+v", code, r)
	}
	if code, _, errs := accessRun(func(s Streams) error { return Check(context.Background(), s, CheckOptions{File: file}) }); code != ExitError || !strings.Contains(errs, "--policy") {
		t.Errorf("without a policy: exit %d, %q", code, errs)
	}
}
