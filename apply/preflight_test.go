package apply

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/milvus-rbac/milvus-rbac/access"
	"github.com/milvus-rbac/milvus-rbac/plan"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

func TestPreflight(t *testing.T) {
	grant := func(priv, db, object string) *spec.Grant { g := spec.NewGrant(priv, db, object); return &g }
	p := &plan.Plan{Steps: []plan.Step{
		{Action: plan.CreateRole, Role: "app"},
		{Action: plan.GrantPrivilege, Role: "app", Grant: grant("Search", "sales", "*")},
		{Action: plan.GrantPrivilege, Role: "app", Grant: grant("Query", "sales", "*")},
		{Action: plan.CreateUser, User: "bob"},
		{Action: plan.UpdatePassword, User: "carol"},
		{Action: plan.UpdatePassword, User: "ops", Blocked: "no previous password"},
		{Action: plan.DropPrivilegeGroup, Group: "old"},
	}}
	state := func(roles map[string][]spec.Grant, userRoles ...string) *spec.State {
		s := spec.NewState()
		for name, gs := range roles {
			s.Roles[name] = &spec.Role{Name: name, Grants: gs}
		}
		s.Users["ops"] = &spec.User{Name: "ops", Roles: userRoles}
		return s
	}
	lacks := func(ls []Lack) map[string][]string {
		out := map[string][]string{}
		for _, l := range ls {
			k := l.Privilege + " " + l.Database + "." + l.Object
			out[k] = l.Steps
		}
		return out
	}
	cases := map[string]struct {
		user  string
		state *spec.State
		want  map[string][]string
	}{
		"root passes every check": {
			user: "root", state: state(nil), want: map[string][]string{},
		},
		"admin passes every check": {
			user: "ops", state: state(nil, "admin"), want: map[string][]string{},
		},
		"ClusterAdmin on * covers every step": {
			user: "ops", state: state(map[string][]spec.Grant{"op": {spec.NewGrant("ClusterAdmin", "*", "*")}}, "op"),
			want: map[string][]string{},
		},
		"the reader lacks every mutation, the blocked step not counted": {
			user: "ops", state: state(map[string][]spec.Grant{"op": {spec.NewGrant("ClusterReadOnly", "*", "*")}}, "op"),
			want: map[string][]string{
				"CreateOwnership default.*":    {"create role app", "create user bob with password = (sensitive)"},
				"DropPrivilegeGroup default.*": {"drop privilege group old"},
				"ManageOwnership sales.*":      {"grant Search on sales.* to role app", "grant Query on sales.* to role app"},
				"UpdateUser default.carol":     {"change the password of user carol to (sensitive)"},
			},
		},
		"ManageOwnership in one database covers grants there, not the rest": {
			user: "ops", state: state(map[string][]spec.Grant{"op": {
				spec.NewGrant("ManageOwnership", "sales", "*"), spec.NewGrant("CreateOwnership", "*", "*"),
				spec.NewGrant("DropPrivilegeGroup", "*", "*"), spec.NewGrant("UpdateUser", "*", "carol"),
			}}, "op"),
			want: map[string][]string{},
		},
		"a role the state does not describe leaves it to the server": {
			user: "ops", state: state(nil, "db_admin"), want: map[string][]string{},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := lacks(Preflight(p, access.Compute(tc.state, access.Options{}), tc.user))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("lacking privileges (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLackNamesTheGrantThatGivesIt(t *testing.T) {
	l := Lack{Need: plan.Need{Privilege: "CreateOwnership", Database: "default", Object: "*"},
		Steps: []string{"create role a", "create role b", "create role c", "create user d"}}
	for _, want := range []string{"CreateOwnership (database default)", "create role a; create role b; create role c and 1 more",
		`grant CreateOwnership on database "*"`, "ClusterAdmin"} {
		if !strings.Contains(l.String(), want) {
			t.Errorf("%q lacks %q", l, want)
		}
	}
	u := Lack{Need: plan.Need{Privilege: "UpdateUser", Database: "default", Object: "bob"}, Steps: []string{"x"}}
	if s := u.String(); !strings.Contains(s, "UpdateUser (user bob)") || !strings.Contains(s, `on user "*"`) {
		t.Errorf("UpdateUser lack: %s", s)
	}
}

// TestOperatorRolesExample checks examples/operator-roles.yaml against plan.Privileges: a user
// holding only rbac_reader lacks the privilege of every action, and reads what plan, drift,
// export and access read; a user holding rbac_applier lacks none.
func TestOperatorRolesExample(t *testing.T) {
	sp, err := spec.Load("../examples/operator-roles.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var p plan.Plan
	want := map[string]bool{}
	for action, priv := range plan.Privileges {
		st := plan.Step{Action: action, Role: "app", User: "someone", Group: "g"}
		if action == plan.GrantPrivilege || action == plan.RevokePrivilege {
			g := spec.NewGrant("Search", "sales", "*")
			st.Grant = &g
		}
		p.Steps = append(p.Steps, st)
		want[priv] = true
	}
	m := access.Compute(sp.State, access.Options{})
	got := map[string]bool{}
	for _, l := range Preflight(&p, m, "rbac_reader") {
		got[l.Privilege] = true
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("what rbac_reader lacks (-every action's privilege +lacking):\n%s", diff)
	}
	if lacks := Preflight(&p, m, "rbac_applier"); len(lacks) > 0 {
		t.Errorf("rbac_applier lacks %v", lacks)
	}
	for _, read := range []struct{ priv, db, object string }{
		{"SelectOwnership", "default", "*"}, {"SelectUser", "default", "someone"},
		{"ListPrivilegeGroups", "default", "*"}, {"ListDatabases", "default", "*"},
	} {
		for _, user := range []string{"rbac_reader", "rbac_applier"} {
			if ok, _ := m.Can(user, read.priv, read.db, read.object); !ok {
				t.Errorf("%s cannot %s in %s on %s", user, read.priv, read.db, read.object)
			}
		}
	}
}
