package access

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/spec"
	"github.com/milvus-rbac/milvus-rbac/spec/spectest"
)

// st builds a State from the compact notation of spectest.State.
func st(users, roles, groups []string) *spec.State { return spectest.State(users, roles, groups) }

// paths renders paths without their user, for comparison.
func paths(ps []Path) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.tail())
	}
	return out
}

// TestCan checks the model against hand-worked cases, one or more per matching rule. Each
// case asks Can for one user; want lists the paths (empty when the answer is no).
func TestCan(t *testing.T) {
	type ask struct {
		priv, db, object string
		want             []string // paths; nil: cannot
	}
	cases := map[string]struct {
		users, roles, groups []string
		opts                 Options
		user                 string
		asks                 []ask
	}{
		"built-in groups hold the lower groups of their level": {
			users: []string{"u:r"}, roles: []string{"r:CollectionAdmin@sales.*"}, user: "u",
			asks: []ask{
				{"Search", "sales", "orders", []string{"role r → grant CollectionAdmin on sales.* → group CollectionAdmin → CollectionReadWrite → CollectionReadOnly"}},
				{"Insert", "sales", "orders", []string{"role r → grant CollectionAdmin on sales.* → group CollectionAdmin → CollectionReadWrite"}},
				{"CreateAlias", "sales", "orders", []string{"role r → grant CollectionAdmin on sales.* → group CollectionAdmin"}},
				{"Insert", "default", "orders", nil},
				{"CreateCollection", "sales", "", nil},
			},
		},
		"* on the database matches every database, the collection still counts": {
			users: []string{"u:r"}, roles: []string{"r:Insert@*.orders"}, user: "u",
			asks: []ask{
				{"Insert", "sales", "orders", []string{"role r → grant Insert on *.orders"}},
				{"Insert", "", "orders", []string{"role r → grant Insert on *.orders"}},
				{"Insert", "sales", "books", nil},
				{"Delete", "sales", "orders", nil},
			},
		},
		"* on the collection matches every collection of the database": {
			users: []string{"u:r"}, roles: []string{"r:Insert@sales.*"}, user: "u",
			asks: []ask{
				{"Insert", "sales", "anything", []string{"role r → grant Insert on sales.*"}},
				{"Insert", "default", "anything", nil},
				{"Insert", "*", "", []string{"role r → grant Insert on sales.*"}},
			},
		},
		"* as the privilege covers Global-type privileges only": {
			users: []string{"u:r"}, roles: []string{"r:*@scratch.*"}, user: "u",
			asks: []ask{
				{"CreateCollection", "scratch", "", []string{"role r → grant * on scratch.*"}},
				{"CreateOwnership", "scratch", "", []string{"role r → grant * on scratch.*"}},
				{"DescribeAlias", "scratch", "books", []string{"role r → grant * on scratch.*"}},
				{"Insert", "scratch", "books", nil},
				{"UpdateUser", "scratch", "bob", nil},
				{"CreateCollection", "default", "", nil},
			},
		},
		"a Global grant on one database covers the Global check in that database only": {
			users: []string{"u:r"}, roles: []string{"r:CreateOwnership@default.*,CreateCollection@sales.*"}, user: "u",
			asks: []ask{
				{"CreateOwnership", "", "", []string{"role r → grant CreateOwnership on default.*"}},
				{"CreateOwnership", "sales", "", nil},
				{"CreateCollection", "sales", "", []string{"role r → grant CreateCollection on sales.*"}},
				{"CreateCollection", "default", "", nil},
			},
		},
		"Global members of a group granted on one collection apply to the whole database": {
			users: []string{"u:r"}, roles: []string{"r:CollectionReadOnly@sales.orders"}, user: "u",
			asks: []ask{
				{"Search", "sales", "orders", []string{"role r → grant CollectionReadOnly on sales.orders → group CollectionReadOnly"}},
				{"Search", "sales", "books", nil},
				{"DescribeAlias", "sales", "books", []string{"role r → grant CollectionReadOnly on sales.orders → group CollectionReadOnly"}},
				{"DescribeAlias", "default", "books", nil},
			},
		},
		"admin passes every check": {
			users: []string{"u:admin"}, user: "u",
			asks: []ask{
				{"Delete", "prod", "orders", []string{"role admin (passes every check)"}},
				{"CreateOwnership", "*", "", []string{"role admin (passes every check)"}},
			},
		},
		"every user holds public and its automatic grants": {
			users: []string{"u:"}, user: "u",
			asks: []ask{
				{"DescribeCollection", "sales", "orders", []string{"role public (every user) → automatic grant DescribeCollection on *.*"}},
				{"IndexDetail", "sales", "orders", []string{"role public (every user) → automatic grant IndexDetail on *.*"}},
				{"ListAliases", "", "", []string{"role public (every user) → automatic grant ListAliases on *.*"}},
				{"Search", "sales", "orders", nil},
			},
		},
		"public's automatic grants can be turned off": {
			users: []string{"u:"}, user: "u", opts: Options{NoPublicGrants: true},
			asks: []ask{{"DescribeCollection", "sales", "orders", nil}},
		},
		"a live public role is used as read": {
			users: []string{"u:"}, roles: []string{"public:ListAliases@*.*,Search@default.books"}, user: "u",
			asks: []ask{
				{"DescribeCollection", "sales", "orders", nil},
				{"ListAliases", "sales", "", []string{"role public (every user) → automatic grant ListAliases on *.*"}},
				{"Search", "default", "books", []string{"role public (every user) → grant Search on default.books"}},
			},
		},
		"All matches any privilege, but only on its exact database": {
			users: []string{"u:r"}, roles: []string{"r:All@sales.*"}, user: "u",
			asks: []ask{
				{"Insert", "sales", "orders", []string{"role r → grant All on sales.*"}},
				{"UpdateUser", "sales", "bob", []string{"role r → grant All on sales.*"}},
				{"CreateDatabase", "sales", "", []string{"role r → grant All on sales.*"}},
				{"Insert", "default", "orders", nil},
			},
		},
		"All on database * matches no request": {
			users: []string{"u:r"}, roles: []string{"r:All@*.*"}, user: "u",
			asks: []ask{
				{"Insert", "sales", "orders", nil},
				{"CreateCollection", "", "", nil},
				{"Insert", "*", "", nil},
			},
		},
		"All inside a custom group behaves as All": {
			users: []string{"u:r"}, roles: []string{"r:anything@sales.*"}, groups: []string{"anything:All"}, user: "u",
			asks: []ask{
				{"Delete", "sales", "orders", []string{"role r → grant anything on sales.* → group anything"}},
				{"Delete", "default", "orders", nil},
			},
		},
		"root is unrestricted": {
			users: []string{"root:"}, user: "root",
			asks: []ask{{"Delete", "prod", "orders", []string{"root (passes every check)"}}},
		},
		"root bound to roles is checked like anyone": {
			users: []string{"root:"}, user: "root", opts: Options{RootShouldBindRole: true},
			asks: []ask{
				{"Delete", "prod", "orders", nil},
				{"DescribeCollection", "prod", "orders", []string{"role public (every user) → automatic grant DescribeCollection on *.*"}},
			},
		},
		"custom groups expand to their members": {
			users: []string{"u:r"}, roles: []string{"r:search_only@default.books"}, groups: []string{"search_only:Query,Search"}, user: "u",
			asks: []ask{
				{"Query", "", "books", []string{"role r → grant search_only on default.books → group search_only"}},
				{"Search", "default", "books", []string{"role r → grant search_only on default.books → group search_only"}},
				{"Insert", "default", "books", nil},
				{"Search", "default", "films", nil},
			},
		},
		"User-object grants name users, and a user may act on itself": {
			users: []string{"u:r", "bob:"}, roles: []string{"r:UpdateUser@*.alice,SelectUser@default.*"}, user: "u",
			asks: []ask{
				{"UpdateUser", "default", "alice", []string{"role r → grant UpdateUser on user alice (database *)"}},
				{"UpdateUser", "default", "bob", nil},
				{"UpdateUser", "default", "u", []string{"own user object (a user may always select and update itself)"}},
				{"SelectUser", "default", "bob", []string{"role r → grant SelectUser on user * (database default)"}},
				{"SelectUser", "sales", "bob", nil},
			},
		},
		"Load brings GetLoadState and GetLoadingProgress": {
			users: []string{"u:r"}, roles: []string{"r:Load@default.books"}, user: "u",
			asks: []ask{
				{"GetLoadState", "default", "books", []string{"role r → grant Load on default.books → GetLoadState (granted with Load)"}},
				{"GetLoadingProgress", "default", "books", []string{"role r → grant Load on default.books → GetLoadingProgress (granted with Load)"}},
				{"GetFlushState", "default", "books", nil},
			},
		},
		"a companion already granted is not implied again": {
			users: []string{"u:r"}, roles: []string{"r:Load@default.books,GetLoadState@default.books"}, user: "u",
			asks: []ask{
				{"GetLoadState", "default", "books", []string{"role r → grant GetLoadState on default.books"}},
			},
		},
		"v1 group ReadOnly: exact database, the named collection or none, any object type": {
			users: []string{"u:r"}, roles: []string{"r:ReadOnly@sales.orders"}, user: "u",
			asks: []ask{
				{"Query", "sales", "orders", []string{"role r → grant ReadOnly on sales.orders → group ReadOnly"}},
				{"Query", "sales", "books", nil},
				{"ShowCollections", "sales", "", []string{"role r → grant ReadOnly on sales.orders → group ReadOnly"}},
				{"Insert", "sales", "orders", nil},
				{"Query", "default", "orders", nil},
			},
		},
		"v1 group on database * matches nothing": {
			users: []string{"u:r"}, roles: []string{"r:ReadWrite@*.*"}, user: "u",
			asks: []ask{{"Insert", "sales", "orders", nil}},
		},
		"server-reported built-in group contents win over the version": {
			users: []string{"u:r"}, roles: []string{"r:CollectionReadOnly@default.*"}, user: "u",
			opts: Options{BuiltinGroups: map[string][]string{"CollectionReadOnly": {"Search"}}},
			asks: []ask{
				{"Search", "default", "books", []string{"role r → grant CollectionReadOnly on default.* → group CollectionReadOnly"}},
				{"Query", "default", "books", nil},
			},
		},
		"2.6 contents add ListImport to CollectionReadOnly": {
			users: []string{"u:r"}, roles: []string{"r:CollectionReadOnly@default.*"}, user: "u", opts: Options{Version: privilege.V2_6},
			asks: []ask{{"ListImport", "default", "books", []string{"role r → grant CollectionReadOnly on default.* → group CollectionReadOnly"}}},
		},
		"2.5 contents lack ListImport": {
			users: []string{"u:r"}, roles: []string{"r:CollectionReadOnly@default.*"}, user: "u",
			asks: []ask{{"ListImport", "default", "books", nil}},
		},
		"a group inside a custom group matches nothing": {
			users: []string{"u:r"}, roles: []string{"r:nested@default.*"}, groups: []string{"nested:CollectionReadOnly"}, user: "u",
			asks: []ask{{"Search", "default", "books", nil}},
		},
		"a role missing from the state makes a no uncertain": {
			users: []string{"u:db_ro"}, user: "u",
			asks: []ask{{"Search", "default", "books", []string{"uncertain: role db_ro is not in the state, so its grants are unknown (a role the platform creates, such as Zilliz Cloud's db_admin, db_rw, db_ro?)"}}},
		},
		"a user not in the state can do nothing": {
			user: "ghost",
			asks: []ask{{"DescribeCollection", "default", "books", nil}},
		},
		"some database and some collection": {
			users: []string{"u:r"}, roles: []string{"r:Delete@prod.orders"}, user: "u",
			asks: []ask{
				{"Delete", "prod", "", []string{"role r → grant Delete on prod.orders"}},
				{"Delete", "*", "*", []string{"role r → grant Delete on prod.orders"}},
				{"Delete", "staging", "", nil},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m := Compute(st(tc.users, tc.roles, tc.groups), tc.opts)
			for _, a := range tc.asks {
				ok, ps := m.Can(tc.user, a.priv, a.db, a.object)
				wantOK := a.want != nil && !strings.HasPrefix(a.want[0], "uncertain:")
				if ok != wantOK {
					t.Errorf("Can(%s, %s, %q, %q) = %v, want %v (paths %v)", tc.user, a.priv, a.db, a.object, ok, wantOK, paths(ps))
				}
				want := a.want
				if want == nil {
					want = []string{}
				}
				if d := cmp.Diff(want, paths(ps)); d != "" {
					t.Errorf("Can(%s, %s, %q, %q) paths (-want +got):\n%s", tc.user, a.priv, a.db, a.object, d)
				}
			}
		})
	}
}

// entryLine renders an entry for comparison: "Privilege Type db.object match [notes]".
func entryLine(e Entry) string {
	s := e.Privilege + " " + e.ObjectType + " " + e.Database + "." + e.Object + " " + string(e.Match)
	if len(e.Notes) > 0 {
		s += " +notes"
	}
	return s
}

func TestUserEntries(t *testing.T) {
	cases := map[string]struct {
		users, roles, groups []string
		user                 string
		want                 []string
	}{
		"sorted by database, then object, then privilege; public included": {
			users: []string{"u:r"}, roles: []string{"r:Insert@sales.orders,CreateCollection@sales.*,UpdateUser@*.bob"}, user: "u",
			want: []string{
				"DescribeCollection Global *.* glob",
				"IndexDetail Collection *.* glob",
				"ListAliases Global *.* glob",
				"CreateCollection Global sales.* glob",
				"Insert Collection sales.orders glob",
				"UpdateUser User *.bob glob",
			},
		},
		"admin comes first, as one entry for everything": {
			users: []string{"u:admin"}, user: "u",
			want: []string{
				"* * *.* admin +notes",
				"DescribeCollection Global *.* glob",
				"IndexDetail Collection *.* glob",
				"ListAliases Global *.* glob",
			},
		},
		"root is one entry": {
			users: []string{"root:r"}, roles: []string{"r:Insert@sales.*"}, user: "root",
			want: []string{"* * *.* root +notes"},
		},
		"inert and subtle entries carry notes": {
			users: []string{"u:r"}, roles: []string{"r:All@*.*,*@sales.*,DescribeCollection@sales.orders"}, user: "u",
			want: []string{
				"All Global *.* none +notes",
				"DescribeCollection Global *.* glob",
				"IndexDetail Collection *.* glob",
				"ListAliases Global *.* glob",
				"* Global sales.* glob +notes",
				"DescribeCollection Global sales.* glob +notes",
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			m := Compute(st(tc.users, tc.roles, tc.groups), Options{})
			var got []string
			for _, e := range m.User(tc.user) {
				got = append(got, entryLine(e))
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("User(%s) (-want +got):\n%s", tc.user, d)
			}
		})
	}
}

func TestEntryPathsMerge(t *testing.T) {
	m := Compute(st([]string{"u:a,b"}, []string{"a:Search@default.*", "b:CollectionReadOnly@default.*"}, nil), Options{})
	var search *Entry
	for _, e := range m.User("u") {
		if e.Privilege == "Search" {
			search = &e
		}
	}
	if search == nil {
		t.Fatal("no Search entry")
	}
	want := []string{
		"u → role a → grant Search on default.*",
		"u → role b → grant CollectionReadOnly on default.* → group CollectionReadOnly",
	}
	var got []string
	for _, p := range search.Paths {
		got = append(got, p.String())
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("paths of Search (-want +got):\n%s", d)
	}
}

func TestStoredObjectTypeIsRederived(t *testing.T) {
	s := st([]string{"u:r"}, []string{"r:"}, nil)
	// A v1 grant of "*" on a Collection object, as a live state may hold it.
	s.Roles["r"].Grants = []spec.Grant{{ObjectType: privilege.ObjectCollection, Privilege: "*", Database: "default", Object: "*"}}
	m := Compute(s, Options{})
	if ok, _ := m.Can("u", "Insert", "default", "books"); ok {
		t.Error("a Collection-type * grant covers Insert; Milvus re-derives Global for *")
	}
	if ok, _ := m.Can("u", "CreateCollection", "default", ""); !ok {
		t.Error("a Collection-type * grant does not cover CreateCollection")
	}
	es := m.User("u")
	i := slices.IndexFunc(es, func(e Entry) bool { return e.Privilege == "*" })
	if i < 0 || !slices.Contains(es[i].Notes, noteStoredType) {
		t.Errorf("the * entry lacks the stored-type note: %+v", es)
	}
}

func TestWho(t *testing.T) {
	m := Compute(st(
		[]string{"ann:admin", "bob:writer", "cat:reader", "dan:db_rw", "eve:"},
		[]string{"writer:CollectionReadWrite@sales.*", "reader:CollectionReadOnly@sales.*"},
		nil), Options{})
	var got []string
	for _, h := range m.Who("Insert", "sales", "orders") {
		line := h.User
		if h.Uncertain {
			line += " (uncertain)"
		}
		got = append(got, line+": "+strings.Join(paths(h.Paths), "; "))
	}
	want := []string{
		"ann: role admin (passes every check)",
		"bob: role writer → grant CollectionReadWrite on sales.* → group CollectionReadWrite",
		"root: root (passes every check)",
		"dan (uncertain): uncertain: role db_rw is not in the state, so its grants are unknown (a role the platform creates, such as Zilliz Cloud's db_admin, db_rw, db_ro?)",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Who(Insert, sales, orders) (-want +got):\n%s", d)
	}
}

func TestRoleCan(t *testing.T) {
	m := Compute(st(nil, []string{"ops:ClusterAdmin@*.*", "reader:CollectionReadOnly@default.*"}, nil), Options{})
	if ok, ps := m.RoleCan("ops", "CreateOwnership", "default", ""); !ok || len(ps) != 1 || ps[0].User != "" {
		t.Errorf("RoleCan(ops, CreateOwnership) = %v, %v", ok, ps)
	}
	if ok, _ := m.RoleCan("reader", "CreateOwnership", "default", ""); ok {
		t.Error("reader can CreateOwnership")
	}
	if ok, _ := m.RoleCan("reader", "DescribeCollection", "sales", ""); ok {
		t.Error("RoleCan adds public's grants")
	}
	if ok, _ := m.RoleCan("admin", "Delete", "prod", "orders"); !ok {
		t.Error("admin cannot Delete")
	}
}

func TestParseTarget(t *testing.T) {
	for in, want := range map[string][2]string{
		"sales.orders": {"sales", "orders"}, "sales": {"sales", ""}, "": {"*", ""}, "*.orders": {"*", "orders"},
	} {
		db, obj, err := ParseTarget(in)
		if err != nil || db != want[0] || obj != want[1] {
			t.Errorf("ParseTarget(%q) = %q, %q, %v; want %q, %q", in, db, obj, err, want[0], want[1])
		}
	}
	for _, bad := range []string{".orders", "a.b.c", "sales orders"} {
		if _, _, err := ParseTarget(bad); err == nil {
			t.Errorf("ParseTarget(%q) succeeded", bad)
		}
	}
}
