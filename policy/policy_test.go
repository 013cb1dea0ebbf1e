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

func TestParseProblems(t *testing.T) {
	cases := map[string]struct {
		yaml string
		want []string
	}{
		"unknown key, with its line": {
			yaml: "version: 1\nrules:\n  - deny:\n      privilage: Delete\n",
			want: []string{"p.yaml:4: field privilage not found in type policy.Deny"},
		},
		"unknown top-level key": {
			yaml: "version: 1\nmode: strict\nrules:\n  - require_role: true\n",
			want: []string{"p.yaml:2: field mode not found in type policy.file"},
		},
		"wrong type": {
			yaml: "version: 1\nrules:\n  - require_role: yes please\n",
			want: []string{"p.yaml:3: cannot unmarshal !!str `yes please` into bool"},
		},
		"missing version": {
			yaml: "rules:\n  - require_role: true\n",
			want: []string{"p.yaml:1: version is missing: add version: 1 as the first line"},
		},
		"unsupported version": {
			yaml: "version: 2\nrules:\n  - whatever: true\n",
			want: []string{"p.yaml:1: version 2 is not supported: this build reads version 1"},
		},
		"no rules": {
			yaml: "version: 1\nrules: []\n",
			want: []string{"p.yaml:2: rules is missing or empty: a policy needs at least one rule"},
		},
		"two kinds in one rule, and none in another": {
			yaml: "version: 1\nrules:\n  - require_role: true\n    forbid_cluster_groups: true\n  - name: empty\n",
			want: []string{
				"p.yaml:3: rules[0] must hold exactly one of deny, deny_grant, forbid_cluster_groups, require_role, deny_escalation; it holds 2",
				"p.yaml:5: rules[1] must hold exactly one of deny, deny_grant, forbid_cluster_groups, require_role, deny_escalation; it holds 0",
			},
		},
		"every privilege problem at once": {
			yaml: "version: 1\nrules:\n  - deny:\n      privilege: Delet\n  - deny:\n      privileges: [CollectionReadWrite]\n  - deny_grant:\n      privilege: \"bad-name\"\n  - deny: {database: prod}\n",
			want: []string{
				`p.yaml:4: unknown privilege "Delet"`,
				`p.yaml:6: deny names single privileges, and "CollectionReadWrite" is not one: to forbid granting it, use deny_grant`,
				`p.yaml:8: "bad-name" is neither a privilege nor a valid privilege group name`,
				"p.yaml:9: deny needs privilege: or privileges:",
			},
		},
		"a collection in the database": {
			yaml: "version: 1\nrules:\n  - deny:\n      privilege: Delete\n      database: prod.orders\n",
			want: []string{`p.yaml:5: database "prod.orders" names a collection: put it in collection:`},
		},
		"duplicate rule name": {
			yaml: "version: 1\nrules:\n  - name: a\n    require_role: true\n  - name: a\n    forbid_cluster_groups: true\n",
			want: []string{`p.yaml:5: rule name "a" is already used by the rule at line 3`},
		},
		"duplicate key": {
			yaml: "version: 1\nrules:\n  - require_role: true\n    require_role: false\n",
			want: []string{`p.yaml:4: mapping key "require_role" already defined at line 3`},
		},
		"two documents": {
			yaml: "version: 1\nrules:\n  - require_role: true\n---\nversion: 1\n",
			want: []string{"p.yaml:4: a policy file holds one YAML document; this is document 2"},
		},
		"not YAML": {
			yaml: "version: 1\nrules: [\n",
			want: []string{"p.yaml:2: did not find expected node content"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("p.yaml", []byte(tc.yaml))
			var ps *Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Parse = %v, want *Problems", err)
			}
			if d := cmp.Diff(tc.want, strings.Split(ps.Error(), "\n")); d != "" {
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
