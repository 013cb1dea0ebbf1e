package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/milvus-rbac/milvus-rbac/spec"
)

func TestResolveNames(t *testing.T) {
	g := func(priv, db, obj string) *spec.Grant { gr := spec.NewGrant(priv, db, obj); return &gr }
	p := &Plan{Steps: []Step{
		{Action: GrantPrivilege, Role: "r", Grant: g("Search", "sales", "orders")},
		{Action: GrantPrivilege, Role: "r", Grant: g("Search", "sales", "orders_v")},
		{Action: GrantPrivilege, Role: "r", Grant: g("Search", "gone", "orders")},
		{Action: GrantPrivilege, Role: "r", Grant: g("ClusterReadOnly", "*", "*")},
		{Action: RevokePrivilege, Role: "old", Grant: g("Query", "dropped", "x")},
		{Action: RevokePrivilege, Role: "keep", Grant: g("Query", "sales", "x")},
		{Action: DropRole, Role: "old"},
		{Action: DropRole, Role: "other"},
	}}
	if d := cmp.Diff([]string{"dropped", "gone", "sales"}, p.NamedDatabases()); d != "" {
		t.Errorf("NamedDatabases (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[string][]string{"sales": {"orders", "orders_v"}, "gone": {"orders"}}, p.NamedObjects()); d != "" {
		t.Errorf("NamedObjects (-want +got):\n%s", d)
	}
	err := p.ResolveNames(Objects{
		Databases: map[string]bool{"default": true, "sales": true},
		Aliases:   map[string]map[string]string{"sales": {"orders_v": "orders"}},
		Where: func(role string) string {
			if role == "r" {
				return "access.yaml:3"
			}
			return ""
		},
	}, "Milvus 2.6.12 or later")
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		"2 grant(s) the server cannot store",
		`access.yaml:3: role r: grant Search on gone.orders: database "gone" does not exist`,
		`access.yaml:3: role r: grant Search on sales.orders_v: "orders_v" is an alias`,
		`"orders_v" is an alias of collection "orders" in database "sales"`,
		`name "orders" in the file`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	blocked := map[string]bool{}
	for _, s := range p.Blocked() {
		blocked[s.what(plain, plain)] = true
	}
	if len(blocked) != 2 || !blocked["revoke Query on dropped.x from role old"] {
		t.Errorf("blocked: %v", blocked)
	}
	for _, s := range p.Steps {
		if s.Action == DropRole && (s.Role == "old") != (s.Blocked != "") {
			t.Errorf("drop role %s blocked %q", s.Role, s.Blocked)
		}
	}
}
