package policy

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/milvus-rbac/milvus-rbac/access"
	"github.com/milvus-rbac/milvus-rbac/spec"
	"github.com/milvus-rbac/milvus-rbac/spec/spectest"
)

// state builds a State from the compact notation of spectest.State.
func state(users, roles, groups []string) *spec.State { return spectest.State(users, roles, groups) }

// violationLines renders violations compactly: "rule: message | path; path".
func violationLines(vs []Violation) []string {
	out := []string{}
	for _, v := range vs {
		var ps []string
		for _, p := range v.Paths {
			ps = append(ps, p.String())
		}
		line := v.Rule + ": " + v.Message
		if v.Uncertain {
			line = "(uncertain) " + line
		}
		if len(v.Users) > 0 {
			line += " [" + strings.Join(v.Users, ",") + "]"
		}
		if len(ps) > 0 {
			line += " | " + strings.Join(ps, "; ")
		}
		out = append(out, line)
	}
	return out
}

func TestCheck(t *testing.T) {
	cases := map[string]struct {
		policy               string
		users, roles, groups []string
		want                 []string
	}{
		"deny catches every path to Delete in prod, and spares the exceptions": {
			policy: `version: 1
rules:
  - name: prod-delete
    deny: {privilege: Delete, database: prod, except_roles: [dba], except_users: [boss]}
`,
			users: []string{"a:writer", "b:dba", "c:admin", "boss:admin", "d:any_db", "e:other_db", "f:reader", "g:db_rw"},
			roles: []string{"writer:CollectionReadWrite@*.*", "dba:Delete@prod.*", "any_db:Delete@*.orders",
				"other_db:Delete@staging.*", "reader:CollectionReadOnly@prod.*"},
			want: []string{
				"prod-delete: user a holds Delete in database prod | a → role writer → grant CollectionReadWrite on *.* → group CollectionReadWrite",
				"prod-delete: user c holds Delete in database prod | c → role admin (passes every check)",
				"prod-delete: user d holds Delete in database prod | d → role any_db → grant Delete on *.orders",
				"(uncertain) prod-delete: cannot tell whether user g holds Delete in database prod | g → uncertain: role db_rw is not in the state, so its grants are unknown (a role the platform creates, such as Zilliz Cloud's db_admin, db_rw, db_ro?)",
			},
		},
		"deny on one collection": {
			policy: "version: 1\nrules:\n  - deny: {privilege: Insert, database: prod, collection: ledger}\n",
			users:  []string{"a:w", "b:x"},
			roles:  []string{"w:Insert@prod.orders", "x:Insert@prod.*"},
			want: []string{
				"rules[0] (deny): user b holds Insert on prod.ledger | b → role x → grant Insert on prod.*",
			},
		},
		"deny_grant of a group matches grants naming it": {
			policy: "version: 1\nrules:\n  - deny_grant: {privilege: CollectionAdmin, except_roles: [owner]}\n",
			users:  []string{"u:w,owner"},
			roles:  []string{"w:CollectionAdmin@sales.*,CollectionReadWrite@prod.*", "owner:CollectionAdmin@prod.*"},
			want: []string{
				"rules[0] (deny_grant): role w is granted CollectionAdmin in any database [u] | role w → grant CollectionAdmin on sales.*",
			},
		},
		"deny_grant of a privilege matches every role that holds it": {
			policy: "version: 1\nrules:\n  - deny_grant: {privilege: CreateOwnership}\n",
			users:  []string{"u:admin"},
			roles:  []string{"ops:ClusterAdmin@*.*", "db:CreateOwnership@default.*", "plain:Insert@*.*"},
			want: []string{
				"rules[0] (deny_grant): role db holds CreateOwnership in any database | role db → grant CreateOwnership on default.*",
				"rules[0] (deny_grant): role ops holds CreateOwnership in any database | role ops → grant ClusterAdmin on *.* → group ClusterAdmin",
				"rules[0] (deny_grant): role admin holds CreateOwnership in any database [u] | role admin (passes every check)",
			},
		},
		"deny_grant of a name the state does not know": {
			policy: "version: 1\nrules:\n  - deny_grant: {privilege: serch_group}\n",
			want:   []string{`rules[0] (deny_grant): "serch_group" is neither a privilege nor a privilege group of the state: check the rule's spelling`},
		},
		"forbid_cluster_groups names built-in and custom cluster-level groups": {
			policy: "version: 1\nrules:\n  - forbid_cluster_groups: true\n",
			roles:  []string{"ops:ClusterReadOnly@*.*,DatabaseAdmin@*.*,cops@*.*,CreateDatabase@*.*"},
			groups: []string{"cops:ListDatabases,CreateDatabase"},
			want: []string{
				"rules[0] (forbid_cluster_groups): role ops is granted ClusterReadOnly, a cluster-level built-in privilege group | role ops → grant ClusterReadOnly on *.*",
				"rules[0] (forbid_cluster_groups): role ops is granted cops, a cluster-level custom privilege group | role ops → grant cops on *.*",
			},
		},
		"forbid_cluster_groups: false checks nothing": {
			policy: "version: 1\nrules:\n  - forbid_cluster_groups: false\n",
			roles:  []string{"ops:ClusterAdmin@*.*"},
			want:   []string{},
		},
		"require_role": {
			policy: "version: 1\nrules:\n  - require_role: true\n",
			users:  []string{"a:", "b:w", "root:"},
			roles:  []string{"w:"},
			want:   []string{"rules[0] (require_role): user a has no role besides public"},
		},
		"deny_escalation": {
			policy: "version: 1\nrules:\n  - deny_escalation: {except_users: [bg], except_roles: [ops]}\n",
			users:  []string{"a:admin", "bg:admin", "c:ops", "d:r", "e:plain"},
			roles:  []string{"ops:ClusterAdmin@*.*", "r:UpdateUser@*.*,Insert@*.*", "plain:CollectionAdmin@*.*"},
			want: []string{
				"rules[0] (deny_escalation): user a holds admin (passes every check: all privileges everywhere) via role admin: role admin passes every check | a → role admin (passes every check)",
				"rules[0] (deny_escalation): user d holds UpdateUser on user * (database *) via role r: user management: UpdateUser | d → role r → grant UpdateUser on user * (database *)",
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			p, err := Parse("p.yaml", []byte(tc.policy))
			if err != nil {
				t.Fatal(err)
			}
			s := state(tc.users, tc.roles, tc.groups)
			got := violationLines(Check(access.Compute(s, access.Options{}), s, p))
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("Check (-want +got):\n%s", d)
			}
		})
	}
}

func TestFailedIgnoresUncertain(t *testing.T) {
	if Failed([]Violation{{Uncertain: true}}) || !Failed([]Violation{{Uncertain: true}, {}}) || Failed(nil) {
		t.Error("Failed counts uncertain violations, or misses a sure one")
	}
}

// The example policies parse, and say what they should of a cluster with one of each kind of
// user: the test pins their behaviour for the README and the CI example.
func TestExamplePolicies(t *testing.T) {
	sp, err := spec.Load("testdata/cluster.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := access.Compute(sp.State, access.Options{})
	files, err := filepath.Glob("../examples/policies/*.yaml")
	if err != nil || len(files) < 2 {
		t.Fatalf("example policies: %v, %v", files, err)
	}
	want := map[string][]string{
		"production.yaml": {
			"prod-deletes-by-owners-only carol Delete", "prod-deletes-by-owners-only carol Upsert",
			"prod-deletes-by-owners-only carol DropPartition", "prod-deletes-by-owners-only tester DropCollection",
			"no-cluster-groups ops ClusterAdmin", "no-cluster-groups ops cluster_ops",
			"escalation-break-glass-only oncall ClusterAdmin", "escalation-break-glass-only tester *",
			"every-user-has-a-role lonely ",
		},
		"least-privilege.yaml": {
			"no-wildcard-privilege sandbox *",
			"drops-by-platform-only breakglass DropCollection", "drops-by-platform-only breakglass DropDatabase",
			"drops-by-platform-only oncall DropDatabase",
			"user-management-by-platform-only ops CreateOwnership", "user-management-by-platform-only sandbox CreateOwnership",
			"user-management-by-platform-only admin CreateOwnership",
			"user-management-by-platform-only ops DropOwnership", "user-management-by-platform-only sandbox DropOwnership",
			"user-management-by-platform-only admin DropOwnership",
			"user-management-by-platform-only ops ManageOwnership", "user-management-by-platform-only sandbox ManageOwnership",
			"user-management-by-platform-only admin ManageOwnership",
			"user-management-by-platform-only ops UpdateUser", "user-management-by-platform-only admin UpdateUser",
			"every-user-has-a-role lonely ",
		},
	}
	for _, f := range files {
		p, err := Load(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		var got []string
		for _, v := range Check(m, sp.State, p) {
			who := v.User + v.Role
			got = append(got, v.Rule+" "+who+" "+v.Privilege)
		}
		w, ok := want[filepath.Base(f)]
		if !ok {
			t.Errorf("%s: no expectation; add one to this test", f)
			continue
		}
		if d := cmp.Diff(w, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", f, d)
		}
	}
}

func TestWriteTextAndJSON(t *testing.T) {
	p, err := Parse("p.yaml", []byte("version: 1\nrules:\n  - name: no-delete\n    deny: {privilege: Delete, database: prod}\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := state([]string{"a:w", "b:db_rw"}, []string{"w:Delete@prod.*"}, nil)
	vs := Check(access.Compute(s, access.Options{}), s, p)
	var b bytes.Buffer
	res := Result{Policy: p, Checked: "access.yaml", Violations: vs}
	if err := res.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"p.yaml:3: violation of rule no-delete: user a holds Delete in database prod",
		"    a → role w → grant Delete on prod.*",
		"p.yaml:3: uncertain of rule no-delete: cannot tell whether user b holds Delete in database prod",
		"    b → uncertain: role db_rw is not in the state, so its grants are unknown (a role the platform creates, such as Zilliz Cloud's db_admin, db_rw, db_ro?)",
		"access.yaml breaks p.yaml: 1 violation(s); 1 case(s) the model cannot decide (--strict makes them fail).",
	}
	if d := cmp.Diff(want, strings.Split(strings.TrimRight(b.String(), "\n"), "\n")); d != "" {
		t.Errorf("WriteText (-want +got):\n%s", d)
	}

	b.Reset()
	if err := res.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var r Report
	if err := json.Unmarshal(b.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.FormatVersion != FormatVersion || r.Kind != "check" || r.Passed || len(r.Violations) != 2 || r.Violations[0].User != "a" || r.Violations[0].Paths[0].Role != "w" {
		t.Errorf("report = %+v", r)
	}

	b.Reset()
	if err := (Result{Policy: p, Checked: "access.yaml"}).WriteText(&b); err != nil || b.String() != "access.yaml passes p.yaml (1 rule).\n" {
		t.Errorf("WriteText of no violation = %q, %v", b.String(), err)
	}
}

// TestStrictFailsUncertainCases: an uncertain case alone passes, and fails under Strict.
func TestStrictFailsUncertainCases(t *testing.T) {
	p, err := Parse("p.yaml", []byte("version: 1\nrules:\n  - name: no-delete\n    deny: {privilege: Delete, database: prod}\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := state([]string{"b:db_rw"}, nil, nil)
	vs := Check(access.Compute(s, access.Options{}), s, p)
	if len(vs) != 1 || !vs[0].Uncertain {
		t.Fatalf("violations = %+v, want one uncertain", vs)
	}
	for _, strict := range []bool{false, true} {
		res := Result{Policy: p, Checked: "access.yaml", Violations: vs, Strict: strict}
		var b bytes.Buffer
		if err := res.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		if res.Failed() != strict {
			t.Errorf("strict %v: Failed = %v", strict, res.Failed())
		}
		wantLine := "access.yaml passes p.yaml (1 rule); 1 case(s) the model cannot decide (--strict makes them fail).\n"
		if strict {
			wantLine = "access.yaml fails p.yaml under --strict; 1 case(s) the model cannot decide.\n"
		}
		if !strings.HasSuffix(b.String(), wantLine) {
			t.Errorf("strict %v: text ends %q, want %q", strict, b.String(), wantLine)
		}
	}
}
