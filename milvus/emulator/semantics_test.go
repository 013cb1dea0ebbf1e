package emulator

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/milvus-rbac/milvus-rbac/release"
)

// TestIdempotency covers the operations that succeed when repeated or when there is nothing to do.
func TestIdempotency(t *testing.T) {
	h := start(t, Options{})
	mustNil(t, h.emu.CreateUser("bob", "secret1"))
	mustNil(t, h.emu.CreateRole("r"))
	for _, c := range []struct{ name, endpoint, body string }{
		{"grant a role twice", "users/grant_role", `{"userName":"bob","roleName":"r"}`},
		{"grant a role twice (again)", "users/grant_role", `{"userName":"bob","roleName":"r"}`},
		{"grant a privilege twice", "roles/grant_privilege_v2", `{"roleName":"r","privilege":"Search","dbName":"db1","collectionName":"c"}`},
		{"grant a privilege twice (again, via v1)", "roles/grant_privilege", `{"roleName":"r","objectType":"Collection","objectName":"c","privilege":"Search","dbName":"db1"}`},
		{"revoke a privilege never granted", "roles/revoke_privilege_v2", `{"roleName":"r","privilege":"Query","dbName":"db1","collectionName":"c"}`},
		{"revoke a role not granted", "users/revoke_role", `{"userName":"root","roleName":"r"}`},
		{"revoke a role from a user that does not exist", "users/revoke_role", `{"userName":"ghost","roleName":"r"}`},
		{"drop a user that does not exist", "users/drop", `{"userName":"ghost"}`},
		{"drop a group that does not exist", "privilege_groups/drop", `{"privilegeGroupName":"ghost"}`},
		{"drop a built-in group is not an error either", "privilege_groups/drop", `{"privilegeGroupName":"ClusterAdmin"}`},
	} {
		if st, body := h.do(rootToken, c.endpoint, c.body); st != 200 || body != `{"code":0,"data":{}}` {
			t.Errorf("%s: %d %s", c.name, st, body)
		}
	}
	if d := cmp.Diff([]string{"Collection/db1/c/Search"}, grantSet(h.emu.Grants("r"))); d != "" {
		t.Errorf("grants (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"r"}, h.emu.Users()["bob"]); d != "" {
		t.Errorf("bob's roles (-want +got):\n%s", d)
	}
}

func TestCascades(t *testing.T) {
	h := start(t, Options{})
	mustNil(t, h.emu.CreateUser("bob", "secret1"))
	mustNil(t, h.emu.CreateUser("carol", "secret1"))
	mustNil(t, h.emu.CreateRole("r"))
	mustNil(t, h.emu.CreateRole("s"))
	for _, u := range []string{"bob", "carol"} {
		mustNil(t, h.emu.AddUserRole(u, "r"))
		mustNil(t, h.emu.AddUserRole(u, "s"))
	}
	h.mustOK("roles/drop", `{"roleName":"r"}`)
	if d := cmp.Diff(map[string][]string{"bob": {"s"}, "carol": {"s"}, "root": {}}, h.emu.Users()); d != "" {
		t.Errorf("dropping a role removes its user mappings (-want +got):\n%s", d)
	}
	h.mustOK("users/drop", `{"userName":"bob"}`)
	h.mustOK("users/create", `{"userName":"bob","password":"secret2"}`)
	if got := h.root("users/describe", `{"userName":"bob"}`); got != `{"code":0,"data":[]}` {
		t.Errorf("a re-created user inherits old mappings: %s", got)
	}
	if h.emu.CheckPassword("bob", "secret1") || !h.emu.CheckPassword("bob", "secret2") {
		t.Error("a re-created user keeps the old password")
	}
}

// TestDropRoleAfterRevoke: revoking every grant (in every database) makes a role droppable.
func TestDropRoleAfterRevoke(t *testing.T) {
	h := start(t, Options{})
	mustNil(t, h.emu.CreateRole("r"))
	h.mustOK("roles/grant_privilege_v2", `{"roleName":"r","privilege":"Load","dbName":"sales","collectionName":"c"}`)
	if got := decode(t, h.root("roles/drop", `{"roleName":"r"}`)); got.Code == 0 {
		t.Fatal("dropped a role with grants")
	}
	h.mustOK("roles/revoke_privilege_v2", `{"roleName":"r","privilege":"Load","dbName":"sales","collectionName":"c"}`)
	h.mustOK("roles/drop", `{"roleName":"r"}`)
}

func TestRelatedPrivileges(t *testing.T) {
	h := start(t, Options{})
	mustNil(t, h.emu.CreateRole("r"))
	h.mustOK("roles/grant_privilege", `{"roleName":"r","objectType":"Collection","objectName":"c1","privilege":"Load"}`)
	h.mustOK("roles/grant_privilege_v2", `{"roleName":"r","privilege":"Flush","dbName":"db1","collectionName":"c2"}`)
	want := []string{
		"Collection/db1/c2/Flush", "Collection/db1/c2/GetFlushState",
		"Collection/default/c1/GetLoadState", "Collection/default/c1/GetLoadingProgress", "Collection/default/c1/Load",
	}
	if d := cmp.Diff(want, grantSet(h.emu.Grants("r"))); d != "" {
		t.Errorf("grant brings the related privileges (-want +got):\n%s", d)
	}
	h.mustOK("roles/revoke_privilege_v2", `{"roleName":"r","privilege":"Load","dbName":"default","collectionName":"c1"}`)
	h.mustOK("roles/revoke_privilege", `{"roleName":"r","objectType":"Collection","objectName":"c2","privilege":"Flush","dbName":"db1"}`)
	if d := cmp.Diff([]string{}, grantSet(h.emu.Grants("r"))); d != "" {
		t.Errorf("revoke takes the related privileges too (-want +got):\n%s", d)
	}
	// Revoking a companion alone leaves the others.
	h.mustOK("roles/grant_privilege_v2", `{"roleName":"r","privilege":"Load","dbName":"db1","collectionName":"c"}`)
	h.mustOK("roles/revoke_privilege_v2", `{"roleName":"r","privilege":"GetLoadState","dbName":"db1","collectionName":"c"}`)
	if d := cmp.Diff([]string{"Collection/db1/c/GetLoadingProgress", "Collection/db1/c/Load"}, grantSet(h.emu.Grants("r"))); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestV1Storage: v1 forces objectName "*" for Global privileges other than the legacy groups,
// keeps it for the other object types, and shares storage keys with v2.
func TestV1Storage(t *testing.T) {
	h := start(t, Options{})
	mustNil(t, h.emu.CreateRole("r"))
	h.mustOK("roles/grant_privilege", `{"roleName":"r","objectType":"Global","objectName":"books","privilege":"CreateCollection"}`)
	h.mustOK("roles/grant_privilege", `{"roleName":"r","objectType":"Global","objectName":"books","privilege":"*","dbName":"db1"}`)
	h.mustOK("roles/grant_privilege", `{"roleName":"r","objectType":"Global","objectName":"books","privilege":"Admin"}`)
	h.mustOK("roles/grant_privilege", `{"roleName":"r","objectType":"Collection","objectName":"books","privilege":"ReadOnly"}`)
	h.mustOK("roles/grant_privilege", `{"roleName":"r","objectType":"User","objectName":"bob","privilege":"UpdateUser"}`)
	h.mustOK("roles/grant_privilege", `{"roleName":"r","objectType":"Collection","objectName":"books","privilege":"Search"}`, "DB-Name", "hr")
	want := []string{
		"Collection/default/books/ReadOnly",
		"Collection/hr/books/Search",
		"Global/db1/*/*",
		"Global/default/*/CreateCollection",
		"Global/default/books/Admin",
		"User/default/bob/UpdateUser",
	}
	if d := cmp.Diff(want, grantSet(h.emu.Grants("r"))); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	// The same key through the other API.
	h.mustOK("roles/revoke_privilege_v2", `{"roleName":"r","privilege":"CreateCollection","dbName":"default","collectionName":"*"}`)
	h.mustOK("roles/revoke_privilege_v2", `{"roleName":"r","privilege":"Search","dbName":"hr","collectionName":"books"}`)
	if n := len(h.emu.Grants("r")); n != len(want)-2 {
		t.Errorf("v2 revoke of v1 grants left %d grants: %v", n, grantSet(h.emu.Grants("r")))
	}
}

// TestV2Storage: the object type is derived from the privilege, objectName is collectionName as
// sent (no forcing), and an empty dbName is stored as default.
func TestV2Storage(t *testing.T) {
	h := start(t, Options{})
	mustNil(t, h.emu.CreateRole("r"))
	mustNil(t, h.emu.CreatePrivilegeGroup("mine", "Query"))
	for _, b := range []string{
		`{"roleName":"r","privilege":"Search","collectionName":"books"}`,
		`{"roleName":"r","privilege":"CreateCollection","dbName":"db1","collectionName":"books"}`,
		`{"roleName":"r","privilege":"SelectUser","dbName":"*","collectionName":"bob"}`,
		`{"roleName":"r","privilege":"DatabaseReadOnly","dbName":"db1","collectionName":"*"}`,
		`{"roleName":"r","privilege":"CollectionReadWrite","dbName":"db1","collectionName":"c"}`,
		`{"roleName":"r","privilege":"mine","dbName":"db2","collectionName":"c"}`,
		`{"roleName":"r","privilege":"*","dbName":"*","collectionName":"*"}`,
		`{"roleName":"r","privilege":"All","dbName":"db3","collectionName":"*"}`,
	} {
		h.mustOK("roles/grant_privilege_v2", b)
	}
	want := []string{
		"Collection/default/books/Search",
		"Global/*/*/*",
		"Global/db1/*/DatabaseReadOnly",
		"Global/db1/books/CreateCollection",
		"Global/db1/c/CollectionReadWrite",
		"Global/db2/c/mine",
		"Global/db3/*/All",
		"User/*/bob/SelectUser",
	}
	if d := cmp.Diff(want, grantSet(h.emu.Grants("r"))); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestGroupLevelRules is the matrix of validatePrivilegeGroupParams, as the Milvus integration
// test exercises it.
func TestGroupLevelRules(t *testing.T) {
	h := start(t, Options{})
	mustNil(t, h.emu.CreateRole("r"))
	mustNil(t, h.emu.CreatePrivilegeGroup("readers", "Query", "Search"))
	mustNil(t, h.emu.CreatePrivilegeGroup("empty"))
	for _, c := range []struct {
		priv, db, coll string
		ok             bool
	}{
		{"ClusterAdmin", "*", "*", true},
		{"ClusterAdmin", "db1", "*", false},
		{"ClusterAdmin", "", "*", false},
		{"ClusterAdmin", "*", "col1", false},
		{"DatabaseAdmin", "db1", "*", true},
		{"DatabaseAdmin", "*", "*", true},
		{"DatabaseAdmin", "db1", "col1", false},
		{"CollectionAdmin", "db1", "*", true},
		{"CollectionAdmin", "db1", "col1", true},
		{"CollectionAdmin", "", "col1", true},
		{"CollectionAdmin", "*", "col1", false},
		{"readers", "*", "col1", false},
		{"readers", "db1", "col1", true},
		{"empty", "*", "col1", true},            // an empty group is not checked
		{"CreateCollection", "*", "col1", true}, // nor is a single privilege
	} {
		body := `{"roleName":"r","privilege":"` + c.priv + `","dbName":"` + c.db + `","collectionName":"` + c.coll + `"}`
		got := decode(t, h.root("roles/grant_privilege_v2", body))
		if (got.Code == 0) != c.ok || (!c.ok && got.Code != 1100) {
			t.Errorf("%s on %q.%q: %d %s, want ok=%v", c.priv, c.db, c.coll, got.Code, got.Message, c.ok)
		}
	}
}

// TestMixedLevelGroupGrant: before 2.5.4 a group is granted anywhere; from 2.5.4 a v2 grant
// judges a group by whichever member the server stored first, so a group of mixed levels (left
// from 2.5.3, where members needed one object type only) is refused or not depending on the order.
func TestMixedLevelGroupGrant(t *testing.T) {
	outcomes := map[string]map[bool]bool{"2.5.3": {}, "2.5.4": {}}
	for v := range outcomes {
		for seed := int64(0); seed < 16; seed++ {
			h := start(t, Options{Seed: seed, Version: release.MustParse(v)})
			mustNil(t, h.emu.CreateRole("r"))
			mustNil(t, h.emu.CreatePrivilegeGroup("mixed", "CreateCollection", "CreateDatabase"))
			got := decode(t, h.root("roles/grant_privilege_v2", `{"roleName":"r","privilege":"mixed","dbName":"db1","collectionName":"*"}`))
			outcomes[v][got.Code == 0] = true
		}
	}
	if d := cmp.Diff(map[bool]bool{true: true}, outcomes["2.5.3"]); d != "" {
		t.Errorf("2.5.3 checks no level (-want +got):\n%s", d)
	}
	if len(outcomes["2.5.4"]) != 2 {
		t.Errorf("2.5.4: the first stored member should decide, and vary with the seed: %v", outcomes["2.5.4"])
	}
	// Mixed members are accepted by 2.5.3 when they share an object type.
	h := start(t, Options{Version: release.V(2, 5, 3)})
	h.mustOK("privilege_groups/create", `{"privilegeGroupName":"g"}`)
	h.mustOK("privilege_groups/add_privileges_to_group", `{"privilegeGroupName":"g","privileges":["CreateCollection","CreateDatabase"]}`)
	// And a cluster-level built-in group is granted in one database.
	mustNil(t, h.emu.CreateRole("r"))
	h.mustOK("roles/grant_privilege_v2", `{"roleName":"r","privilege":"ClusterReadOnly","dbName":"db1","collectionName":"*"}`)
}

func TestDescribeDatabaseFilter(t *testing.T) {
	h := start(t, Options{})
	mustNil(t, h.emu.CreateRole("r"))
	mustNil(t, h.emu.Grant("r", "Collection", "Search", "default", "c"))
	mustNil(t, h.emu.Grant("r", "Collection", "Query", "sales", "c"))
	mustNil(t, h.emu.Grant("r", "Global", "ShowCollections", "*", "*"))
	privs := func(rows []map[string]string) []string {
		out := []string{}
		for _, r := range rows {
			out = append(out, r["dbName"]+"/"+r["privilege"])
		}
		return out
	}
	for _, c := range []struct {
		db   string
		want []string
	}{
		{"", []string{"default/Search", "*/ShowCollections"}},
		{"default", []string{"default/Search", "*/ShowCollections"}},
		{"sales", []string{"sales/Query", "*/ShowCollections"}},
		{"hr", []string{"*/ShowCollections"}},
		{"*", []string{"default/Search", "sales/Query", "*/ShowCollections"}},
	} {
		if d := cmp.Diff(c.want, privs(h.describe("r", c.db))); d != "" {
			t.Errorf("dbName %q (-want +got):\n%s", c.db, d)
		}
	}
	got := h.root("roles/describe", `{"roleName":"r"}`, "DB-Name", "sales")
	if !strings.Contains(got, `"privilege":"Query"`) || strings.Contains(got, `"privilege":"Search"`) {
		t.Errorf("the DB-Name header is the default dbName: %s", got)
	}
	got = h.root("roles/describe", `{"roleName":"r","dbName":"default"}`, "DB-Name", "sales")
	if strings.Contains(got, `"privilege":"Query"`) || !strings.Contains(got, `"privilege":"Search"`) {
		t.Errorf("the body's dbName wins over DB-Name: %s", got)
	}
}

func TestDescribeMissingUser(t *testing.T) {
	for _, era := range []release.Era{release.E1, release.E3} {
		h := start(t, Options{Version: eraVersion[era]})
		want := `{"code":0,"data":[]}`
		if era == release.E3 {
			want = `{"code":0,"data":[],"description":""}`
		}
		if got := h.root("users/describe", `{"userName":"ghost"}`); got != want {
			t.Errorf("%s: %s, want %s", era, got, want)
		}
	}
}

func TestLimitsLeaveRoomAfterDrops(t *testing.T) {
	h := start(t, Options{MaxUsers: 2, MaxRoles: 3})
	h.mustOK("users/create", `{"userName":"bob","password":"secret1"}`)
	h.mustOK("roles/create", `{"roleName":"r"}`)
	if decode(t, h.root("users/create", `{"userName":"carol","password":"secret1"}`)).Code == 0 ||
		decode(t, h.root("roles/create", `{"roleName":"s"}`)).Code == 0 {
		t.Fatal("limits not applied")
	}
	// At the limit, a duplicate user still gets the limit error (the limit is checked first),
	// and a duplicate role the duplicate error (the name is checked first).
	if got := decode(t, h.root("users/create", `{"userName":"bob","password":"secret1"}`)); got.Message != "unable to add user because the number of users has reached the limit" {
		t.Errorf("duplicate user at the limit: %+v", got)
	}
	if got := decode(t, h.root("roles/create", `{"roleName":"r"}`)); got.Message != `role [name:"r"] already exists` {
		t.Errorf("duplicate role at the limit: %+v", got)
	}
	h.mustOK("users/drop", `{"userName":"bob"}`)
	h.mustOK("roles/drop", `{"roleName":"r"}`)
	h.mustOK("users/create", `{"userName":"carol","password":"secret1"}`)
	h.mustOK("roles/create", `{"roleName":"s"}`)
}

func TestGroupSetSemantics(t *testing.T) {
	h := start(t, Options{})
	h.mustOK("privilege_groups/create", `{"privilegeGroupName":"g","privileges":["Insert"]}`)
	h.mustOK("privilege_groups/add_privileges_to_group", `{"privilegeGroupName":"g","privileges":["Query","Search","Query"]}`)
	h.mustOK("privilege_groups/add_privileges_to_group", `{"privilegeGroupName":"g","privileges":["Search"]}`)
	h.mustOK("privilege_groups/remove_privileges_from_group", `{"privilegeGroupName":"g","privileges":["Search","Delete"]}`)
	if d := cmp.Diff(map[string][]string{"g": {"Query"}}, h.emu.Groups()); d != "" {
		t.Errorf("create ignores privileges; add and remove are set operations (-want +got):\n%s", d)
	}
}

func TestPublicPrivileges(t *testing.T) {
	h := start(t, Options{NoPublicPrivileges: true})
	if got := h.root("roles/describe", `{"roleName":"public","dbName":"*"}`); got != `{"code":0,"data":[]}` {
		t.Errorf("public without automatic grants: %s", got)
	}
	h = start(t, Options{})
	want := []string{"Collection/*/*/IndexDetail", "Global/*/*/DescribeCollection", "Global/*/*/ListAliases"}
	if d := cmp.Diff(want, grantSet(h.emu.Grants("public"))); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if got := decode(t, h.root("roles/drop", `{"roleName":"public"}`)); got.Code != 1401 {
		t.Errorf("public dropped: %+v", got)
	}
}

func TestBuiltinRolesExistFromStart(t *testing.T) {
	h := start(t, Options{BuiltinRoles: []string{"db_admin", "db_ro", "db_rw"}})
	if got := h.root("roles/list", `{}`); got != `{"code":0,"data":["admin","db_admin","db_ro","db_rw","public"]}` {
		t.Errorf("roles/list: %s", got)
	}
}
