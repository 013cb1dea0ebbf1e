package emulator

import (
	"net/http"
	"strings"
	"testing"
)

const unauthenticated = `{"code":1800,"message":"user hasn't authenticated"}`

func TestAuthentication(t *testing.T) {
	h := start(t, Options{})
	mustNil(t, h.emu.CreateUser("bob", "pa:ss:12"))
	mustNil(t, h.emu.AddUserRole("bob", "admin"))
	cases := []struct {
		name   string
		header func(*http.Request)
		status int
	}{
		{"no credentials", func(*http.Request) {}, 401},
		{"bearer user:password", func(r *http.Request) { r.Header.Set("Authorization", "Bearer root:Milvus") }, 200},
		{"bare user:password", func(r *http.Request) { r.Header.Set("Authorization", "root:Milvus") }, 200},
		{"basic auth", func(r *http.Request) { r.SetBasicAuth("root", "Milvus") }, 200},
		{"split at the first colon", func(r *http.Request) { r.Header.Set("Authorization", "Bearer bob:pa:ss:12") }, 200},
		{"wrong password", func(r *http.Request) { r.Header.Set("Authorization", "Bearer root:milvus") }, 401},
		{"unknown user", func(r *http.Request) { r.Header.Set("Authorization", "Bearer nobody:Milvus") }, 401},
		{"empty password", func(r *http.Request) { r.Header.Set("Authorization", "Bearer root:") }, 401},
		{"empty user", func(r *http.Request) { r.Header.Set("Authorization", "Bearer :Milvus") }, 401},
		{"api key", func(r *http.Request) { r.Header.Set("Authorization", "Bearer 0123456789abcdef") }, 401},
		{"lower-case bearer is not stripped", func(r *http.Request) { r.Header.Set("Authorization", "bearer root:Milvus") }, 401},
		{"basic auth, wrong password", func(r *http.Request) { r.SetBasicAuth("root", "nope12") }, 401},
		{"basic auth, empty password", func(r *http.Request) { r.SetBasicAuth("root", "") }, 401},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rq, _ := http.NewRequest(http.MethodPost, h.url+"users/list", strings.NewReader(`{}`))
			tc.header(rq)
			st, body := h.send(rq)
			if st != tc.status {
				t.Fatalf("HTTP %d %s, want %d", st, body, tc.status)
			}
			if st == 401 && body != unauthenticated {
				t.Errorf("body %s, want %s", body, unauthenticated)
			}
			if st == 200 && body != `{"code":0,"data":["bob","root"]}` {
				t.Errorf("body %s", body)
			}
		})
	}
}

func TestBasicAuthSetsWWWAuthenticate(t *testing.T) {
	h := start(t, Options{})
	rq, _ := http.NewRequest(http.MethodPost, h.url+"users/list", strings.NewReader(`{}`))
	rq.SetBasicAuth("root", "Milvus")
	resp, err := http.DefaultClient.Do(rq)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("WWW-Authenticate"); got != `Basic realm="restricted", charset="UTF-8"` {
		t.Errorf("WWW-Authenticate = %q", got)
	}
}

// TestOrderOfChecks: routing, then authentication, then binding, then authorization, then
// validation.
func TestOrderOfChecks(t *testing.T) {
	h := start(t, Options{})
	if err := h.emu.CreateUser("alice", "secret1"); err != nil {
		t.Fatal(err)
	}
	if st, body := h.do("", "users/nope", ``); st != 404 || body != "404 page not found" {
		t.Errorf("unknown route without credentials: %d %s", st, body)
	}
	if st, body := h.do("root:wrong1", "users/list", ``); st != 401 || body != unauthenticated {
		t.Errorf("bad credentials and empty body: %d %s", st, body)
	}
	if st, body := h.do("alice:secret1", "users/create", `{}`); st != 200 || decode(t, body).Code != 1802 {
		t.Errorf("binding before authorization: %d %s", st, body)
	}
	if st, body := h.do("alice:secret1", "users/create", `{"userName":"1x","password":"p"}`); st != 403 {
		t.Errorf("authorization before validation: %d %s", st, body)
	}
}

func TestAuthorization(t *testing.T) {
	const alice = "alice:secret1"
	deny := func(priv, db string) string {
		return `{"code":65535,"message":"rpc error: code = PermissionDenied desc = Privilege` + priv +
			`: permission deny to alice in the ` + "`" + db + "`" + ` database"}`
	}
	type call struct {
		endpoint, body string
		headers        []string
		status         int
		want           string // exact body when set
	}
	createBob := call{endpoint: "users/create", body: `{"userName":"bob","password":"secret1"}`, status: 200}
	cases := []struct {
		name  string
		setup func(t *testing.T, h *harness)
		calls []call
	}{
		{name: "no role: denied, in the request's database",
			calls: []call{
				{endpoint: "users/create", body: `{"userName":"bob","password":"secret1"}`, status: 403, want: deny("CreateOwnership", "default")},
				{endpoint: "users/create", body: `{"userName":"bob","password":"secret1"}`, headers: []string{"DB-Name", "sales"}, status: 403, want: deny("CreateOwnership", "sales")},
				{endpoint: "users/list", body: `{}`, status: 403, want: deny("SelectOwnership", "default")},
				{endpoint: "roles/list", body: `{"dbName":"hr"}`, status: 403, want: deny("SelectOwnership", "hr")},
				{endpoint: "roles/grant_privilege_v2", body: `{"roleName":"public","privilege":"Search","collectionName":"*"}`, status: 403, want: deny("ManageOwnership", "default")},
				{endpoint: "privilege_groups/list", body: `{}`, status: 403, want: deny("ListPrivilegeGroups", "default")},
				{endpoint: "privilege_groups/create", body: `{"privilegeGroupName":"g"}`, status: 403, want: deny("CreatePrivilegeGroup", "default")},
				{endpoint: "roles/drop", body: `{"roleName":"r"}`, status: 403, want: deny("DropOwnership", "default")},
			}},
		{name: "yourself needs no privilege",
			calls: []call{
				{endpoint: "users/describe", body: `{"userName":"alice"}`, status: 200, want: `{"code":0,"data":[]}`},
				{endpoint: "users/describe", body: `{"userName":"root"}`, status: 403, want: deny("SelectUser", "default")},
				{endpoint: "users/update_password", body: `{"userName":"root","password":"Milvus","newPassword":"secret2"}`, status: 403, want: deny("UpdateUser", "default")},
				{endpoint: "users/update_password", body: `{"userName":"alice","password":"secret1","newPassword":"secret1"}`, status: 200},
			}},
		{name: "your own roles' grants, public included",
			setup: withRole("r"),
			calls: []call{
				{endpoint: "roles/describe", body: `{"roleName":"public"}`, status: 200},
				{endpoint: "roles/describe", body: `{"roleName":"r"}`, status: 403, want: deny("SelectOwnership", "default")},
			}},
		{name: "role admin passes everything",
			setup: func(t *testing.T, h *harness) { mustNil(t, h.emu.AddUserRole("alice", "admin")) },
			calls: []call{createBob, {endpoint: "users/describe", body: `{"userName":"bob"}`, status: 200}}},
		{name: "v1 Global grant in default only",
			setup: func(t *testing.T, h *harness) {
				withRole("r")(t, h)
				mustNil(t, h.emu.AddUserRole("alice", "r"))
				h.mustOK("roles/grant_privilege", `{"roleName":"r","objectType":"Global","objectName":"*","privilege":"CreateOwnership"}`)
			},
			calls: []call{
				{endpoint: "users/create", body: `{"userName":"bob","password":"secret1"}`, headers: []string{"DB-Name", "sales"}, status: 403, want: deny("CreateOwnership", "sales")},
				createBob,
			}},
		{name: "v2 grant on every database",
			setup: func(t *testing.T, h *harness) {
				withRole("r")(t, h)
				mustNil(t, h.emu.AddUserRole("alice", "r"))
				h.mustOK("roles/grant_privilege_v2", `{"roleName":"r","privilege":"CreateOwnership","dbName":"*","collectionName":"*"}`)
			},
			calls: []call{{endpoint: "users/create", body: `{"userName":"bob","password":"secret1"}`, headers: []string{"DB-Name", "sales"}, status: 200}}},
		{name: "built-in group ClusterAdmin",
			setup: func(t *testing.T, h *harness) {
				withRole("r")(t, h)
				mustNil(t, h.emu.AddUserRole("alice", "r"))
				h.mustOK("roles/grant_privilege_v2", `{"roleName":"r","privilege":"ClusterAdmin","dbName":"*","collectionName":"*"}`)
			},
			calls: []call{createBob, {endpoint: "privilege_groups/create", body: `{"privilegeGroupName":"g"}`, status: 200}}},
		{name: "built-in group ClusterReadOnly covers SelectUser of anyone, not CreateOwnership",
			setup: func(t *testing.T, h *harness) {
				withRole("r")(t, h)
				mustNil(t, h.emu.AddUserRole("alice", "r"))
				h.mustOK("roles/grant_privilege_v2", `{"roleName":"r","privilege":"ClusterReadOnly","dbName":"*","collectionName":"*"}`)
			},
			calls: []call{
				{endpoint: "users/describe", body: `{"userName":"root"}`, status: 200},
				{endpoint: "users/create", body: `{"userName":"bob","password":"secret1"}`, status: 403, want: deny("CreateOwnership", "default")},
			}},
		{name: "custom group, followed as it changes",
			setup: func(t *testing.T, h *harness) {
				withRole("r")(t, h)
				mustNil(t, h.emu.AddUserRole("alice", "r"))
				h.mustOK("privilege_groups/create", `{"privilegeGroupName":"owners"}`)
				h.mustOK("privilege_groups/add_privileges_to_group", `{"privilegeGroupName":"owners","privileges":["CreateOwnership","DropOwnership"]}`)
				h.mustOK("roles/grant_privilege_v2", `{"roleName":"r","privilege":"owners","dbName":"*","collectionName":"*"}`)
			},
			calls: []call{
				createBob,
				{endpoint: "users/drop", body: `{"userName":"bob"}`, status: 200},
			}},
		{name: "wildcard privilege covers Global, not User",
			setup: func(t *testing.T, h *harness) {
				withRole("r")(t, h)
				mustNil(t, h.emu.AddUserRole("alice", "r"))
				h.mustOK("roles/grant_privilege_v2", `{"roleName":"r","privilege":"*","dbName":"*","collectionName":"*"}`)
			},
			calls: []call{
				createBob,
				{endpoint: "users/describe", body: `{"userName":"root"}`, status: 403, want: deny("SelectUser", "default")},
			}},
		{name: "All matches its database exactly",
			setup: func(t *testing.T, h *harness) {
				withRole("r")(t, h)
				mustNil(t, h.emu.AddUserRole("alice", "r"))
				h.mustOK("roles/grant_privilege", `{"roleName":"r","objectType":"Global","objectName":"*","privilege":"All","dbName":"*"}`)
			},
			calls: []call{
				{endpoint: "users/create", body: `{"userName":"bob","password":"secret1"}`, status: 403, want: deny("CreateOwnership", "default")},
			}},
		{name: "All in default",
			setup: func(t *testing.T, h *harness) {
				withRole("r")(t, h)
				mustNil(t, h.emu.AddUserRole("alice", "r"))
				h.mustOK("roles/grant_privilege", `{"roleName":"r","objectType":"Global","objectName":"*","privilege":"All"}`)
			},
			calls: []call{createBob}},
		{name: "public's grants count for everyone",
			setup: func(t *testing.T, h *harness) {
				h.mustOK("roles/grant_privilege_v2", `{"roleName":"public","privilege":"SelectOwnership","dbName":"*","collectionName":"*"}`)
			},
			calls: []call{{endpoint: "users/list", body: `{}`, status: 200, want: `{"code":0,"data":["alice","root"]}`}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := start(t, Options{})
			mustNil(t, h.emu.CreateUser("alice", "secret1"))
			if tc.setup != nil {
				tc.setup(t, h)
			}
			for _, c := range tc.calls {
				st, body := h.do(alice, c.endpoint, c.body, c.headers...)
				if st != c.status || (c.want != "" && body != c.want) {
					t.Errorf("%s %s %v:\n got HTTP %d %s\nwant HTTP %d %s", c.endpoint, c.body, c.headers, st, body, c.status, c.want)
				}
				if st == 200 && decode(t, body).Code != 0 {
					t.Errorf("%s %s: %s", c.endpoint, c.body, body)
				}
			}
		})
	}
}

func TestGrantorIsTheCaller(t *testing.T) {
	h := start(t, Options{})
	mustNil(t, h.emu.CreateUser("alice", "secret1"))
	mustNil(t, h.emu.AddUserRole("alice", "admin"))
	mustNil(t, h.emu.CreateRole("r"))
	if st, body := h.do("alice:secret1", "roles/grant_privilege_v2", `{"roleName":"r","privilege":"Search","dbName":"db1","collectionName":"c"}`); st != 200 || body != `{"code":0,"data":{}}` {
		t.Fatalf("%d %s", st, body)
	}
	h.mustOK("roles/grant_privilege_v2", `{"roleName":"r","privilege":"Search","dbName":"db1","collectionName":"c"}`)
	if g := h.emu.Grants("r"); len(g) != 1 || g[0].Grantor != "alice" {
		t.Errorf("grants %+v: the first grantor stays", g)
	}
}

func TestAuthorizationDisabled(t *testing.T) {
	h := start(t, Options{AuthorizationDisabled: true})
	mustNil(t, h.emu.CreateUser("bob", "secret1"))
	if st, body := h.do("", "users/list", `{}`); st != 200 || body != `{"code":0,"data":["bob","root"]}` {
		t.Errorf("list without credentials: %d %s", st, body)
	}
	if st, body := h.do("root:wrong1", "roles/create", `{"roleName":"r"}`); st != 200 || body != `{"code":0,"data":{}}` {
		t.Errorf("credentials are not checked: %d %s", st, body)
	}
	const noUser = `{"code":1100,"message":"fail to get authorization from the md, authorization:[token]: invalid parameter"}`
	for _, c := range []struct{ endpoint, body string }{
		{"roles/grant_privilege", `{"roleName":"r","objectType":"Collection","objectName":"*","privilege":"Search"}`},
		{"roles/revoke_privilege", `{"roleName":"r","objectType":"Collection","objectName":"*","privilege":"Search"}`},
		{"roles/grant_privilege_v2", `{"roleName":"r","privilege":"Search","dbName":"*","collectionName":"*"}`},
		{"roles/revoke_privilege_v2", `{"roleName":"r","privilege":"Search","dbName":"*","collectionName":"*"}`},
	} {
		if st, body := h.do(rootToken, c.endpoint, c.body); st != 200 || body != noUser {
			t.Errorf("%s: %d %s, want %s", c.endpoint, st, body, noUser)
		}
	}
	if got := decode(t, h.root("users/update_password", `{"userName":"bob","password":"wrong12","newPassword":"secret2"}`)); got.Code != 1400 {
		t.Errorf("old password not checked without a current user: %+v", got)
	}
}

func TestSuperUsers(t *testing.T) {
	h := start(t, Options{SuperUsers: []string{"boss"}})
	mustNil(t, h.emu.CreateUser("boss", "secret1"))
	mustNil(t, h.emu.AddUserRole("boss", "admin"))
	mustNil(t, h.emu.CreateUser("bob", "secret1"))
	if st, body := h.do("boss:secret1", "users/update_password", `{"userName":"bob","password":"whatever","newPassword":"secret9"}`); st != 200 || body != `{"code":0,"data":{}}` {
		t.Fatalf("superuser reset: %d %s", st, body)
	}
	if !h.emu.CheckPassword("bob", "secret9") || h.emu.CheckPassword("bob", "secret1") {
		t.Error("password not changed")
	}
	if got := decode(t, h.root("users/update_password", `{"userName":"bob","password":"whatever","newPassword":"secret8"}`)); got.Code != 1400 {
		t.Errorf("root is not a superuser unless listed: %+v", got)
	}
	_, body := h.do("boss:secret1", "users/update_password", `{"userName":"ghost","password":"whatever","newPassword":"secret8"}`)
	if got := decode(t, body); got.Code != 65535 || got.Message != notFoundUser {
		t.Errorf("superuser on a missing user: %+v", got)
	}
	if _, ok := h.emu.Users()["ghost"]; ok {
		t.Error("a password update created a user")
	}
}

func mustNil(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
