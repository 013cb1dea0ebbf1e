package policy

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseValid(t *testing.T) {
	p, err := Parse("p.yaml", []byte(`version: 1
description: test
rules:
  - name: no-delete
    deny:
      privilege: Delete
      privileges: [Upsert]
      database: prod
      collection: "*"
      except_users: [alice]
      except_roles: [dba]
  - deny_grant: {privilege: ClusterAdmin, except_roles: [ops]}
  - forbid_cluster_groups: true
  - require_role: false
  - deny_escalation: {}
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range p.Rules {
		got = append(got, r.Label()+" "+string(r.Kind))
	}
	want := []string{"no-delete deny", "rules[1] (deny_grant) deny_grant", "rules[2] (forbid_cluster_groups) forbid_cluster_groups",
		"rules[3] (require_role) require_role", "rules[4] (deny_escalation) deny_escalation"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("rules (-want +got):\n%s", d)
	}
	d := p.Rules[0].Deny
	if d.Database != "prod" || d.Collection != "" || !cmp.Equal(d.Names(), []string{"Delete", "Upsert"}) ||
		!cmp.Equal(d.Users, []string{"alice"}) || !cmp.Equal(d.Roles, []string{"dba"}) || p.Rules[0].Line != 4 {
		t.Errorf("deny rule = %+v (line %d)", d, p.Rules[0].Line)
	}
	if g := p.Rules[1].Deny; g.Database != "*" || !cmp.Equal(g.Roles, []string{"ops"}) {
		t.Errorf("deny_grant defaults = %+v", g)
	}
	if p.Rules[3].Enabled || !p.Rules[2].Enabled || !p.Rules[4].Enabled {
		t.Errorf("enabled flags: %+v", p.Rules)
	}
}

// TestParseProblems: policy files are read by the spec file's machinery: every problem at
// once, each with file, line and YAML path, unknown keys with a suggestion (never a Go type
// name), mistyped privileges with a suggestion.
func TestParseProblems(t *testing.T) {
	cases := map[string]struct {
		yaml string
		want []string
	}{
		"unknown key, with its line, path and a suggestion": {
			yaml: "version: 1\nrules:\n  - deny:\n      privilage: Delete\n",
			want: []string{
				`p.yaml:4: rules[0].deny: unknown key "privilage" (did you mean "privilege"?)`,
				"p.yaml:4: rules[0].deny: needs privilege: or privileges:",
			},
		},
		"unknown key of a rule": {
			yaml: "version: 1\nrules:\n  - require_roles: true\n",
			want: []string{
				`p.yaml:3: rules[0]: unknown key "require_roles" (did you mean "require_role"?)`,
				"p.yaml:3: rules[0]: a rule holds exactly one of deny, deny_grant, forbid_cluster_groups, require_role, deny_escalation; this one holds 0",
			},
		},
		"unknown top-level key": {
			yaml: "version: 1\nmode: strict\nrules:\n  - require_role: true\n",
			want: []string{`p.yaml:2: unknown key "mode" (known keys: version, description, rules)`},
		},
		"wrong type": {
			yaml: "version: 1\nrules:\n  - require_role: yes please\n",
			want: []string{"p.yaml:3: rules[0].require_role: must be true or false, not a string"},
		},
		"missing version": {
			yaml: "rules:\n  - require_role: true\n",
			want: []string{`p.yaml:1: version is missing: start the file with "version: 1" (known versions: 1)`},
		},
		"unsupported version": {
			yaml: "version: 2\nrules:\n  - whatever: true\n",
			want: []string{`p.yaml:1: version: unknown version "2" (known versions: 1)`},
		},
		"version as a string": {
			yaml: "version: \"1\"\nrules:\n  - require_role: true\n",
			want: []string{`p.yaml:1: version: must be the number 1, not the string "1": write version: 1 without quotes`},
		},
		"no rules": {
			yaml: "version: 1\nrules: []\n",
			want: []string{"p.yaml:2: rules: a policy needs at least one rule"},
		},
		"two kinds in one rule, and none in another": {
			yaml: "version: 1\nrules:\n  - require_role: true\n    forbid_cluster_groups: true\n  - name: empty\n",
			want: []string{
				"p.yaml:3: rules[0]: a rule holds exactly one of deny, deny_grant, forbid_cluster_groups, require_role, deny_escalation; this one holds 2",
				"p.yaml:5: rules[1]: a rule holds exactly one of deny, deny_grant, forbid_cluster_groups, require_role, deny_escalation; this one holds 0",
			},
		},
		"every privilege problem at once": {
			yaml: "version: 1\nrules:\n  - deny:\n      privilege: Delet\n  - deny:\n      privileges: [CollectionReadWrite]\n  - deny_grant:\n      privilege: \"bad-name\"\n  - deny: {database: prod}\n",
			want: []string{
				`p.yaml:4: rules[0].deny.privilege: unknown privilege "Delet" (did you mean "Delete"?)`,
				`p.yaml:6: rules[1].deny.privileges[0]: deny names single privileges, and "CollectionReadWrite" is not one: to forbid granting it, use deny_grant`,
				`p.yaml:8: rules[2].deny_grant.privilege: "bad-name" is neither a privilege nor a valid privilege group name`,
				"p.yaml:9: rules[3].deny: needs privilege: or privileges:",
			},
		},
		"a custom group name a typo away from a privilege": {
			yaml: "version: 1\nrules:\n  - deny_grant: {privilege: Delet}\n",
			want: []string{`p.yaml:3: rules[0].deny_grant.privilege: unknown privilege "Delet" (did you mean "Delete"?); a custom privilege group name this close to a privilege is refused as a likely typo`},
		},
		"a collection in the database": {
			yaml: "version: 1\nrules:\n  - deny:\n      privilege: Delete\n      database: prod.orders\n",
			want: []string{`p.yaml:5: rules[0].deny.database: database "prod.orders" names a collection: put it in collection:`},
		},
		"duplicate rule name": {
			yaml: "version: 1\nrules:\n  - name: a\n    require_role: true\n  - name: a\n    forbid_cluster_groups: true\n",
			want: []string{`p.yaml:5: rules[1].name: rule name "a" is already used by the rule at line 3`},
		},
		"duplicate key": {
			yaml: "version: 1\nrules:\n  - require_role: true\n    require_role: false\n",
			want: []string{`p.yaml:4: rules[0]: key "require_role" appears twice (first at line 3)`},
		},
		"two documents": {
			yaml: "version: 1\nrules:\n  - require_role: true\n---\nversion: 1\n",
			want: []string{"p.yaml:4: a policy file holds one YAML document; remove the second one (after ---)"},
		},
		"not YAML": {
			yaml: "version: 1\nrules: [\n",
			want: []string{"p.yaml:2: invalid YAML: did not find expected node content"},
		},
		"anchors and aliases": {
			yaml: "version: 1\nrules:\n  - &a {require_role: true}\n  - *a\n",
			want: []string{
				"p.yaml:3: YAML anchors (&a) are not supported: write the value out where it is used",
				"p.yaml:4: YAML aliases (*a) are not supported: write the value out",
			},
		},
		"too large": {
			yaml: "version: 1\n# " + strings.Repeat("x", MaxFileSize) + "\n",
			want: []string{"p.yaml: the file is larger than 1048576 bytes (1 MiB), the limit for a policy file"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("p.yaml", []byte(tc.yaml))
			var ps *Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Parse = %v, want *Problems", err)
			}
			if d := cmp.Diff(tc.want, ps.Lines()); d != "" {
				t.Errorf("problems (-want +got):\n%s", d)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "none.yaml"))
	if err == nil || !strings.Contains(err.Error(), "read policy file") {
		t.Errorf("Load = %v", err)
	}
}
