package emulator

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/milvus-rbac/milvus-rbac/release"
)

var salesOptions = Options{Databases: map[string]Database{
	"sales":   {Collections: []string{"orders", "customers"}, Aliases: map[string]string{"orders_v": "orders", "current": "orders"}},
	"hr":      {Collections: []string{"staff"}},
	"default": {Collections: []string{"books"}},
}}

func withVersion(o Options, v string) Options {
	o.Version = release.MustParse(v)
	return o
}

// TestDatabaseRoutes: the read routes a client uses, with their Milvus REST v2 shapes.
func TestDatabaseRoutes(t *testing.T) {
	for _, v := range []string{"2.4.18", "2.5.27", "2.6.19"} {
		t.Run(v, func(t *testing.T) {
			h := start(t, withVersion(salesOptions, v))
			for _, c := range []struct{ endpoint, body, want string }{
				{"databases/list", `{}`, `{"code":0,"data":["default","hr","sales"]}`},
				{"collections/list", `{"dbName":"sales"}`, `{"code":0,"data":["customers","orders"]}`},
				{"collections/list", `{}`, `{"code":0,"data":["books"]}`},
				{"collections/list", `{"dbName":"nope"}`, `{"code":800,"message":"database not found[database=nope]"}`},
				{"aliases/list", `{"dbName":"sales"}`, `{"code":0,"data":["current","orders_v"]}`},
				{"aliases/list", `{"dbName":"sales","collectionName":"customers"}`, `{"code":0,"data":[]}`},
				{"aliases/list", `{"dbName":"sales","collectionName":"gone"}`, `{"code":100,"message":"collection not found[collection=gone]"}`},
				{"aliases/list", `{"dbName":"nope"}`, `{"code":800,"message":"database not found[database=nope]"}`},
				{"aliases/describe", `{"dbName":"sales","aliasName":"orders_v"}`, `{"code":0,"data":{"aliasName":"orders_v","collectionName":"orders","dbName":"sales"}}`},
				{"aliases/describe", `{"dbName":"sales","aliasName":"orders"}`, `{"code":1600,"message":"alias not found[database=sales][alias=orders]"}`},
				{"aliases/describe", `{"dbName":"sales"}`, `{"code":1802,"message":"missing required parameters, error: Key: 'AliasReq.AliasName' Error:Field validation for 'AliasName' failed on the 'required' tag"}`},
			} {
				if got := sortedData(t, h.root(c.endpoint, c.body)); got != c.want {
					t.Errorf("%s %s:\n got %s\nwant %s", c.endpoint, c.body, got, c.want)
				}
			}
			if got := sortedData(t, h.root("collections/list", `{}`, "DB-Name", "hr")); got != `{"code":0,"data":["staff"]}` {
				t.Errorf("collections/list takes the DB-Name header: %s", got)
			}
		})
	}
}

// sortedData sorts the data of a list answer, which comes in map order, and returns the answer
// re-encoded; other answers are returned as they are.
func sortedData(t *testing.T, body string) string {
	t.Helper()
	var l struct {
		Code int      `json:"code"`
		Data []string `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &l); err != nil || l.Code != 0 || l.Data == nil {
		return body
	}
	sort.Strings(l.Data)
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestListsInMapOrder: databases, collections and aliases come in a Go map's order, which
// changes from call to call.
func TestListsInMapOrder(t *testing.T) {
	opts := salesOptions
	opts.Databases = map[string]Database{}
	var colls []string
	for i := range 8 {
		name := fmt.Sprintf("db%d", i)
		opts.Databases[name] = Database{}
		colls = append(colls, fmt.Sprintf("c%d", i))
	}
	opts.Databases["default"] = Database{Collections: colls}
	h := start(t, opts)
	for _, c := range []struct{ endpoint, body string }{{"databases/list", `{}`}, {"collections/list", `{}`}} {
		seen := map[string]bool{}
		for range 6 {
			body := h.root(c.endpoint, c.body)
			seen[body] = true
		}
		if len(seen) < 2 {
			t.Errorf("%s: the same order six times: %v", c.endpoint, seen)
		}
	}
}

// TestDatabaseVisibility: databases/list and collections/list check no privilege; they list
// what the caller's grants reach.
func TestDatabaseVisibility(t *testing.T) {
	h := start(t, salesOptions)
	mustNil(t, h.emu.CreateUser("bob", "secret1"))
	mustNil(t, h.emu.CreateRole("r"))
	mustNil(t, h.emu.AddUserRole("bob", "r"))
	bob := "bob:secret1"
	get := func(endpoint, body string) string {
		t.Helper()
		st, b := h.do(bob, endpoint, body)
		if st != 200 {
			t.Fatalf("%s: HTTP %d %s", endpoint, st, b)
		}
		return sortedData(t, b)
	}
	if got := get("databases/list", `{}`); got != `{"code":0,"data":[]}` {
		t.Errorf("no grants: %s", got)
	}
	mustNil(t, h.emu.Grant("r", "Collection", "Query", "sales", "orders"))
	if got := get("databases/list", `{}`); got != `{"code":0,"data":["sales"]}` {
		t.Errorf("a grant in sales: %s", got)
	}
	if got := get("collections/list", `{"dbName":"sales"}`); got != `{"code":0,"data":["orders"]}` {
		t.Errorf("a grant on sales.orders: %s", got)
	}
	mustNil(t, h.emu.Grant("r", "Global", "CollectionReadOnly", "hr", "*"))
	if got := get("collections/list", `{"dbName":"hr"}`); got != `{"code":0,"data":["staff"]}` {
		t.Errorf("a collection-level group on hr.*: %s", got)
	}
	mustNil(t, h.emu.Grant("r", "Global", "ShowCollections", "*", "*"))
	if got := get("databases/list", `{}`); got != `{"code":0,"data":["default","hr","sales"]}` {
		t.Errorf("a grant on *: %s", got)
	}
}

// TestListDatabasesPrefixQuirk: rootcoord looks the caller's roles up as users/describe does, so
// on releases that answer "" role names it asks for the grants of role "" and fails.
func TestListDatabasesPrefixQuirk(t *testing.T) {
	for _, tc := range []struct {
		version string
		want    string
	}{
		{"2.5.27", `{"code":65535,"message":"the role entity in the grant entity is invalid"}`},
		{"2.6.12", `{"code":65535,"message":"the role entity in the grant entity is invalid"}`},
		{"2.6.13", `{"code":0,"data":["sales"]}`},
	} {
		h := start(t, withVersion(salesOptions, tc.version))
		for _, u := range []string{"app", "app_ingest"} {
			mustNil(t, h.emu.CreateUser(u, "secret1"))
		}
		mustNil(t, h.emu.CreateRole("r"))
		mustNil(t, h.emu.Grant("r", "Collection", "Query", "sales", "orders"))
		mustNil(t, h.emu.AddUserRole("app", "r"))
		mustNil(t, h.emu.AddUserRole("app_ingest", "r"))
		if _, got := h.do("app:secret1", "databases/list", `{}`); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.version, got, tc.want)
		}
		if _, got := h.do("app_ingest:secret1", "databases/list", `{}`); got != `{"code":0,"data":["sales"]}` {
			t.Errorf("%s: app_ingest prefixes no one: %s", tc.version, got)
		}
	}
}

// TestAliasInGrants: from 2.6.12 grants resolve collection names through aliases and so need
// the database; before, names are stored as sent.
func TestAliasInGrants(t *testing.T) {
	type step struct {
		endpoint, body string
		code           int
		msg            string
	}
	v2 := func(priv, db, coll string) string {
		return `{"roleName":"r","privilege":"` + priv + `","dbName":"` + db + `","collectionName":"` + coll + `"}`
	}
	for _, tc := range []struct {
		version  string
		resolves bool
	}{{"2.4.18", false}, {"2.5.27", false}, {"2.6.4", false}, {"2.6.11", false}, {"2.6.12", true}, {"2.6.19", true}, {"3.0.0", true}} {
		t.Run(tc.version, func(t *testing.T) {
			h := start(t, withVersion(salesOptions, tc.version))
			mustNil(t, h.emu.CreateRole("r"))
			mustNil(t, h.emu.CreateUser("alice", "secret1"))
			notFound := func(db string) (int, string) {
				if tc.resolves {
					return 800, "database not found[database=" + db + "]"
				}
				return 0, ""
			}
			c800, star := notFound("*")
			_, nope := notFound("nope")
			for _, s := range []step{
				// A named collection or user on database "*".
				{"roles/grant_privilege_v2", v2("Query", "*", "orders"), c800, star},
				{"roles/grant_privilege_v2", v2("SelectUser", "*", "alice"), c800, star},
				{"roles/revoke_privilege_v2", v2("Query", "*", "orders"), c800, star},
				{"roles/grant_privilege", `{"roleName":"r","objectType":"Collection","objectName":"orders","privilege":"Query","dbName":"*"}`, c800, star},
				// v1 resolves Collection grants only.
				{"roles/grant_privilege", `{"roleName":"r","objectType":"User","objectName":"alice","privilege":"SelectUser","dbName":"*"}`, 0, ""},
				// "*" is never resolved.
				{"roles/grant_privilege_v2", v2("ClusterReadOnly", "*", "*"), 0, ""},
				// A database that does not exist.
				{"roles/grant_privilege_v2", v2("Query", "nope", "orders"), c800, nope},
				{"roles/grant_privilege_v2", v2("Query", "nope", "*"), 0, ""},
				// A collection that does not exist (yet) in a database that does.
				{"roles/grant_privilege_v2", v2("Insert", "sales", "later"), 0, ""},
				// An alias.
				{"roles/grant_privilege_v2", v2("Search", "sales", "orders_v"), 0, ""},
				{"roles/grant_privilege", `{"roleName":"r","objectType":"Collection","objectName":"current","privilege":"Delete","dbName":"sales"}`, 0, ""},
			} {
				got := decode(t, h.root(s.endpoint, s.body))
				if got.Code != s.code || got.Message != s.msg {
					t.Errorf("%s %s: %d %q, want %d %q", s.endpoint, s.body, got.Code, got.Message, s.code, s.msg)
				}
			}
			wantSearch, wantDelete := "Collection/sales/orders_v/Search", "Collection/sales/current/Delete"
			if tc.resolves {
				wantSearch, wantDelete = "Collection/sales/orders/Search", "Collection/sales/orders/Delete"
			}
			grants := strings.Join(grantSet(h.emu.Grants("r")), " ")
			for _, w := range []string{wantSearch, wantDelete, "Collection/sales/later/Insert"} {
				if !strings.Contains(grants, w) {
					t.Errorf("grants %s lack %s", grants, w)
				}
			}
			// Revoking by the alias revokes the collection's grant where names resolve.
			h.mustOK("roles/revoke_privilege_v2", v2("Search", "sales", "orders_v"))
			has := strings.Contains(strings.Join(grantSet(h.emu.Grants("r")), " "), "Collection/sales/orders/Search")
			if has {
				t.Errorf("revoke by alias left the grant: %v", h.emu.Grants("r"))
			}
		})
	}
}

// TestRevokeInDroppedDatabase: from 2.6.12 a grant left in a dropped database cannot be revoked,
// so its role cannot be emptied and dropped.
func TestRevokeInDroppedDatabase(t *testing.T) {
	for _, tc := range []struct {
		version string
		stuck   bool
	}{{"2.5.27", false}, {"2.6.11", false}, {"2.6.12", true}, {"2.6.19", true}} {
		h := start(t, withVersion(salesOptions, tc.version))
		mustNil(t, h.emu.CreateRole("r"))
		h.mustOK("roles/grant_privilege_v2", `{"roleName":"r","privilege":"Query","dbName":"hr","collectionName":"staff"}`)
		mustNil(t, h.emu.DropDatabase("hr"))
		got := decode(t, h.root("roles/revoke_privilege_v2", `{"roleName":"r","privilege":"Query","dbName":"hr","collectionName":"staff"}`))
		if tc.stuck != (got.Code == 800 && got.Message == "database not found[database=hr]") || !tc.stuck && got.Code != 0 {
			t.Errorf("%s: revoke in a dropped database: %+v", tc.version, got)
		}
		drop := decode(t, h.root("roles/drop", `{"roleName":"r"}`))
		if (drop.Code == 0) == tc.stuck {
			t.Errorf("%s: drop role after the revoke: %+v", tc.version, drop)
		}
	}
}

// TestDropCollectionDropsGrants: from 2.6.12 dropping a collection deletes the Collection grants
// on it in its database; group grants (stored as Global) and grants elsewhere stay.
func TestDropCollectionDropsGrants(t *testing.T) {
	for _, tc := range []struct {
		version string
		follows bool
	}{{"2.5.27", false}, {"2.6.12", true}} {
		h := start(t, withVersion(salesOptions, tc.version))
		mustNil(t, h.emu.CreateRole("r"))
		mustNil(t, h.emu.Grant("r", "Collection", "Query", "sales", "orders"))
		mustNil(t, h.emu.Grant("r", "Collection", "Query", "default", "orders"))
		mustNil(t, h.emu.Grant("r", "Global", "CollectionReadOnly", "sales", "orders"))
		mustNil(t, h.emu.DropCollection("sales", "orders"))
		want := []string{"Collection/default/orders/Query", "Collection/sales/orders/Query", "Global/sales/orders/CollectionReadOnly"}
		if tc.follows {
			want = []string{"Collection/default/orders/Query", "Global/sales/orders/CollectionReadOnly"}
		}
		if d := cmp.Diff(want, grantSet(h.emu.Grants("r"))); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.version, d)
		}
		if d := cmp.Diff(map[string]string{}, h.emu.Aliases("sales")); d != "" {
			t.Errorf("%s: the aliases of a dropped collection stay (-want +got):\n%s", tc.version, d)
		}
	}
}

// TestRenameCollectionMovesGrants: from 2.6.12 renaming a collection moves the Collection grants
// on it; before, they stay on the old name.
func TestRenameCollectionMovesGrants(t *testing.T) {
	for _, tc := range []struct {
		version string
		follows bool
	}{{"2.6.11", false}, {"2.6.12", true}} {
		h := start(t, withVersion(salesOptions, tc.version))
		mustNil(t, h.emu.CreateRole("r"))
		mustNil(t, h.emu.Grant("r", "Collection", "Query", "sales", "orders"))
		mustNil(t, h.emu.Grant("r", "Global", "CollectionReadOnly", "sales", "orders"))
		mustNil(t, h.emu.RenameCollection("sales", "orders", "sales", "orders2"))
		want := []string{"Collection/sales/orders/Query", "Global/sales/orders/CollectionReadOnly"}
		if tc.follows {
			want = []string{"Collection/sales/orders2/Query", "Global/sales/orders/CollectionReadOnly"}
		}
		if d := cmp.Diff(want, grantSet(h.emu.Grants("r"))); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.version, d)
		}
		if d := cmp.Diff(map[string]string{"orders_v": "orders2", "current": "orders2"}, h.emu.Aliases("sales")); d != "" {
			t.Errorf("%s: aliases (-want +got):\n%s", tc.version, d)
		}
	}
}
