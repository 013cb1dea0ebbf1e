package emulator

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/release"
)

// step is one call of a scenario and the exact answer expected.
type step struct {
	name     string
	endpoint string
	body     string
	status   int
	want     string
}

func runSteps(t *testing.T, h *harness, steps []step) {
	t.Helper()
	for _, s := range steps {
		st, got := h.do(rootToken, s.endpoint, s.body)
		if st != s.status || got != s.want {
			t.Errorf("%s: %s %s\n got HTTP %d %s\nwant HTTP %d %s", s.name, s.endpoint, s.body, st, got, s.status, s.want)
		}
	}
}

const publicGrants = `{"dbName":"*","grantor":"root","objectName":"*","objectType":"Collection","privilege":"IndexDetail"},` +
	`{"dbName":"*","grantor":"root","objectName":"*","objectType":"Global","privilege":"DescribeCollection"},` +
	`{"dbName":"*","grantor":"root","objectName":"*","objectType":"Global","privilege":"ListAliases"}`

// TestEndpointShapesE1 walks every RBAC endpoint once and checks the exact envelope.
func TestEndpointShapesE1(t *testing.T) {
	h := start(t, Options{})
	ok := `{"code":0,"data":{}}`
	runSteps(t, h, []step{
		{"list users of a fresh server", "users/list", `{}`, 200, `{"code":0,"data":["root"]}`},
		{"root has no role mapping", "users/describe", `{"userName":"root"}`, 200, `{"code":0,"data":[]}`},
		{"create user", "users/create", `{"userName":"alice","password":"secret1"}`, 200, ok},
		{"update password", "users/update_password", `{"userName":"alice","password":"secret1","newPassword":"secret2"}`, 200, ok},
		{"list roles of a fresh server", "roles/list", `{}`, 200, `{"code":0,"data":["admin","public"]}`},
		{"create role", "roles/create", `{"roleName":"reader"}`, 200, ok},
		{"grant role", "users/grant_role", `{"userName":"alice","roleName":"reader"}`, 200, ok},
		{"describe user", "users/describe", `{"userName":"alice"}`, 200, `{"code":0,"data":["reader"]}`},
		{"grant v1", "roles/grant_privilege", `{"roleName":"reader","objectType":"Collection","objectName":"books","privilege":"Search"}`, 200, ok},
		{"grant v2", "roles/grant_privilege_v2", `{"roleName":"reader","privilege":"Query","dbName":"sales","collectionName":"orders"}`, 200, ok},
		{"describe role in default", "roles/describe", `{"roleName":"reader"}`, 200,
			`{"code":0,"data":[{"dbName":"default","grantor":"root","objectName":"books","objectType":"Collection","privilege":"Search"}]}`},
		{"describe role in all databases", "roles/describe", `{"roleName":"reader","dbName":"*"}`, 200,
			`{"code":0,"data":[{"dbName":"default","grantor":"root","objectName":"books","objectType":"Collection","privilege":"Search"},` +
				`{"dbName":"sales","grantor":"root","objectName":"orders","objectType":"Collection","privilege":"Query"}]}`},
		{"public's automatic grants", "roles/describe", `{"roleName":"public"}`, 200, `{"code":0,"data":[` + publicGrants + `]}`},
		{"admin has no stored grants", "roles/describe", `{"roleName":"admin"}`, 200, `{"code":0,"data":[]}`},
		{"create group", "privilege_groups/create", `{"privilegeGroupName":"readers","privileges":["Query"]}`, 200, ok},
		{"add to group", "privilege_groups/add_privileges_to_group", `{"privilegeGroupName":"readers","privileges":["Query"]}`, 200, ok},
		{"remove from group", "privilege_groups/remove_privileges_from_group", `{"privilegeGroupName":"readers","privileges":["Query"]}`, 200, ok},
		{"revoke v2", "roles/revoke_privilege_v2", `{"roleName":"reader","privilege":"Query","dbName":"sales","collectionName":"orders"}`, 200, ok},
		{"revoke v1", "roles/revoke_privilege", `{"roleName":"reader","objectType":"Collection","objectName":"books","privilege":"Search"}`, 200, ok},
		{"revoke role", "users/revoke_role", `{"userName":"alice","roleName":"reader"}`, 200, ok},
		{"drop group", "privilege_groups/drop", `{"privilegeGroupName":"readers"}`, 200, ok},
		{"drop role", "roles/drop", `{"roleName":"reader"}`, 200, ok},
		{"drop user", "users/drop", `{"userName":"alice"}`, 200, ok},
		{"back to a fresh server", "users/list", `{}`, 200, `{"code":0,"data":["root"]}`},
	})
	if !h.emu.CheckPassword(rootToken[:4], rootToken[5:]) {
		t.Error("root's password changed")
	}
}

// TestEndpointShapesE3 checks the E3 additions: descriptions and roles/alter.
func TestEndpointShapesE3(t *testing.T) {
	h := start(t, Options{Version: eraVersion[release.E3]})
	ok := `{"code":0,"data":{}}`
	runSteps(t, h, []step{
		{"describe of root has a description", "users/describe", `{"userName":"root"}`, 200, `{"code":0,"data":[],"description":""}`},
		{"create user with description", "users/create", `{"userName":"alice","password":"secret1","description":"analyst"}`, 200, ok},
		{"describe shows it", "users/describe", `{"userName":"alice"}`, 200, `{"code":0,"data":[],"description":"analyst"}`},
		{"description-only update", "users/update_password", `{"userName":"alice","description":"lead"}`, 200, ok},
		{"describe shows the new one", "users/describe", `{"userName":"alice"}`, 200, `{"code":0,"data":[],"description":"lead"}`},
		{"create role with description", "roles/create", `{"roleName":"reader","description":"reads"}`, 200, ok},
		{"describe role shows it", "roles/describe", `{"roleName":"reader"}`, 200, `{"code":0,"data":[],"description":"reads"}`},
		{"alter role", "roles/alter", `{"roleName":"reader","description":"reads more"}`, 200, ok},
		{"describe role after alter", "roles/describe", `{"roleName":"reader"}`, 200, `{"code":0,"data":[],"description":"reads more"}`},
		{"alter public", "roles/alter", `{"roleName":"public","description":"x"}`, 200,
			`{"code":1401,"message":"the role[public] is a default role, which can't be altered: privilege not permitted"}`},
		{"alter missing role", "roles/alter", `{"roleName":"ghost","description":"x"}`, 200,
			`{"code":1100,"message":"the role \"ghost\" does not exist: invalid parameter"}`},
		// gin's c.JSON escapes < and > like json.Marshal does.
		{"description too long", "users/create", `{"userName":"bob","password":"secret1","description":"` + strings.Repeat("d", 1025) + `"}`, 200,
			`{"code":1100,"message":"the length of user description must be not greater than limit: invalid parameter[1025 out of range 0 \u003c= value \u003c= 1024]"}`},
	})
	if !h.emu.CheckPassword("alice", "secret1") {
		t.Error("a description-only update changed the password")
	}
}

// TestE1IgnoresDescriptions: a 2.5 server drops unknown keys, even of the wrong type.
func TestE1IgnoresDescriptions(t *testing.T) {
	h := start(t, Options{})
	h.mustOK("roles/create", `{"roleName":"reader","description":42}`)
	if got := h.root("roles/describe", `{"roleName":"reader"}`); got != `{"code":0,"data":[]}` {
		t.Errorf("E1 describe carries E3 fields: %s", got)
	}
	if st, got := h.do(rootToken, "roles/alter", `{"roleName":"reader"}`); st != 404 {
		t.Errorf("roles/alter exists before E3: %d %s", st, got)
	}
}

func TestPrivilegeGroupsListShape(t *testing.T) {
	h := start(t, Options{})
	if err := h.emu.CreatePrivilegeGroup("zeta", "Query"); err != nil {
		t.Fatal(err)
	}
	h.mustOK("privilege_groups/create", `{"privilegeGroupName":"alpha"}`)
	e := decode(t, h.root("privilege_groups/list", `{}`))
	var data struct {
		PrivilegeGroups []struct {
			PrivilegeGroupName string `json:"privilegeGroupName"`
			Privileges         string `json:"privileges"`
		} `json:"privilegeGroups"`
	}
	if err := json.Unmarshal(e.Data, &data); err != nil {
		t.Fatalf("data is not {privilegeGroups:[...]}: %s", e.Data)
	}
	var names []string
	for _, g := range data.PrivilegeGroups {
		names = append(names, g.PrivilegeGroupName)
	}
	want := append([]string{"alpha", "zeta"}, privilege.BuiltinGroups...)
	if d := cmp.Diff(want, names); d != "" {
		t.Errorf("custom groups first, then the nine built-ins (-want +got):\n%s", d)
	}
	if data.PrivilegeGroups[0].Privileges != "" || data.PrivilegeGroups[1].Privileges != "Query" {
		t.Errorf("custom members: %+v", data.PrivilegeGroups[:2])
	}
	for _, g := range data.PrivilegeGroups[2:] {
		if want := strings.Join(privilege.Members(g.PrivilegeGroupName, privilege.V2_5), ","); g.Privileges != want {
			t.Errorf("%s = %q, want %q (a comma-joined string)", g.PrivilegeGroupName, g.Privileges, want)
		}
	}
}

func TestGroupVersionChangesBuiltins(t *testing.T) {
	h := start(t, Options{Version: release.V(3, 0, 0)})
	body := h.root("privilege_groups/list", `{}`)
	if !strings.Contains(body, "CreateSnapshot") {
		t.Errorf("3.0 built-ins lack CreateSnapshot: %s", body)
	}
	if strings.Contains(start(t, Options{}).root("privilege_groups/list", `{}`), "CreateSnapshot") {
		t.Error("2.5 built-ins contain a 3.0 privilege")
	}
}

// TestGroupMembersOrder: members come back in the order the server stored them, which is not
// sorted, depends on the seed, and changes with every change of the group.
func TestGroupMembersOrder(t *testing.T) {
	privs := []string{"Query", "Search", "Insert", "Delete", "Upsert", "Load", "Release", "Flush", "Compaction", "Import"}
	order := func(seed int64) string {
		h := start(t, Options{Seed: seed})
		h.mustOK("privilege_groups/create", `{"privilegeGroupName":"g"}`)
		h.mustOK("privilege_groups/add_privileges_to_group", `{"privilegeGroupName":"g","privileges":["`+strings.Join(privs, `","`)+`"]}`)
		body := h.root("privilege_groups/list", `{}`)
		i := strings.Index(body, `"privileges":"`) + len(`"privileges":"`)
		got := body[i : i+strings.Index(body[i:], `"`)]
		if again := h.root("privilege_groups/list", `{}`); again != body {
			t.Errorf("two lists without a change differ")
		}
		members := strings.Split(got, ",")
		if d := cmp.Diff(sortedCopy(privs), sortedCopy(members)); d != "" {
			t.Errorf("members (-want +got):\n%s", d)
		}
		return got
	}
	sorted := strings.Join(sortedCopy(privs), ",")
	seen := map[string]bool{}
	for seed := int64(1); seed <= 4; seed++ {
		o := order(seed)
		if o == sorted {
			t.Errorf("seed %d gives sorted members", seed)
		}
		seen[o] = true
	}
	if len(seen) < 2 {
		t.Error("the order does not depend on the seed")
	}
	if order(7) != order(7) {
		t.Error("the same seed gives different orders")
	}
}
