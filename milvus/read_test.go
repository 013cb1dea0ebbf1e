package milvus

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/release"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// shuffled joins privs with "," in a random order, as servers report custom groups.
func shuffled(privs ...string) string {
	p := append([]string(nil), privs...)
	rand.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
	return strings.Join(p, ",")
}

// cluster is a fake with a small, valid RBAC state.
func cluster(t *testing.T) *fake {
	f := newFake(t)
	f.always("users/list", ok(`["root","alice","bob","ghost"]`))
	f.on("users/describe", func(b map[string]any) reply {
		switch b["userName"] {
		case "alice":
			return ok(`["writer","reader","reader"]`)
		case "bob":
			return ok(`["reader"]`)
		default: // root, and ghost: a user dropped since users/list looks the same
			return ok(`[]`)
		}
	})
	f.always("roles/list", ok(`["admin","public","reader","writer","gone"]`))
	f.on("roles/describe", func(b map[string]any) reply {
		switch b["roleName"] {
		case "admin":
			return ok(`[]`)
		case "public":
			return ok(`[
				{"objectType":"Global","objectName":"*","privilege":"ListAliases","dbName":"*","grantor":"root"},
				{"objectType":"Global","objectName":"*","privilege":"DescribeCollection","dbName":"*","grantor":"root"},
				{"objectType":"Collection","objectName":"*","privilege":"IndexDetail","dbName":"*","grantor":"root"}]`)
		case "reader":
			return ok(`[
				{"objectType":"Collection","objectName":"books","privilege":"Search","dbName":"","grantor":"root"},
				{"objectType":"Collection","objectName":"books","privilege":"Query","dbName":"default","grantor":"root"},
				{"objectType":"Collection","objectName":"books","privilege":"Search","dbName":"default","grantor":"admin_bot"},
				{"objectType":"Global","objectName":"orders","privilege":"DescribeCollection","dbName":"sales","grantor":"root"}]`)
		case "writer":
			return ok(`[
				{"objectType":"Global","objectName":"*","privilege":"my_group","dbName":"sales","grantor":"root"},
				{"objectType":"Global","objectName":"*","privilege":"ClusterReadOnly","dbName":"*","grantor":"root"}]`)
		case "gone": // dropped since roles/list
			return fail(65535, "not found the role, maybe the role isn't existed or internal system error")
		}
		return fail(1100, "unexpected role")
	})
	f.on("privilege_groups/list", func(map[string]any) reply {
		return ok(fmt.Sprintf(`{"privilegeGroups":[
			{"privilegeGroupName":"my_group","privileges":%q},
			{"privilegeGroupName":"empty_group","privileges":""},
			{"privilegeGroupName":"ClusterReadOnly","privileges":%q},
			{"privilegeGroupName":"DatabaseReadOnly","privileges":%q}]}`,
			shuffled("Search", " Query", "Insert", "", "Query"),
			shuffled("ListDatabases", "SelectOwnership", "SelectUser"),
			shuffled("ShowCollections", "DescribeDatabase")))
	})
	return f
}

func TestRead(t *testing.T) {
	for i := range 3 { // the group contents come back in a new order each time
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			f := cluster(t)
			c := f.start(Config{Token: "root:Milvus"})
			live, err := c.Read(testCtx(t))
			if err != nil {
				t.Fatal(err)
			}
			want := &Live{
				State: &spec.State{
					Users: map[string]*spec.User{
						"root":  {Name: "root"},
						"alice": {Name: "alice", Roles: []string{"reader", "writer"}},
						"bob":   {Name: "bob", Roles: []string{"reader"}},
						"ghost": {Name: "ghost"},
					},
					Roles: map[string]*spec.Role{
						"admin": {Name: "admin"},
						"public": {Name: "public", Grants: []spec.Grant{
							{ObjectType: "Global", Privilege: "DescribeCollection", Database: "*", Object: "*"},
							{ObjectType: "Collection", Privilege: "IndexDetail", Database: "*", Object: "*"},
							{ObjectType: "Global", Privilege: "ListAliases", Database: "*", Object: "*"},
						}},
						"reader": {Name: "reader", Grants: []spec.Grant{
							{ObjectType: "Collection", Privilege: "Query", Database: "default", Object: "books"},
							{ObjectType: "Collection", Privilege: "Search", Database: "default", Object: "books"},
							{ObjectType: "Global", Privilege: "DescribeCollection", Database: "sales", Object: "orders"},
						}},
						"writer": {Name: "writer", Grants: []spec.Grant{
							{ObjectType: "Global", Privilege: "ClusterReadOnly", Database: "*", Object: "*"},
							{ObjectType: "Global", Privilege: "my_group", Database: "sales", Object: "*"},
						}},
					},
					Groups: map[string]*spec.PrivilegeGroup{
						"my_group":    {Name: "my_group", Privileges: []string{"Insert", "Query", "Search"}},
						"empty_group": {Name: "empty_group"},
					},
				},
				BuiltinGroups: map[string][]string{
					"ClusterReadOnly":  {"ListDatabases", "SelectOwnership", "SelectUser"},
					"DatabaseReadOnly": {"DescribeDatabase", "ShowCollections"},
				},
				Features: Features{PrivilegeGroups: true, GrantV2: true},
			}
			// Server is checked by TestReadInfersRelease.
			if d := cmp.Diff(want, live, cmpopts.IgnoreFields(Live{}, "Server")); d != "" {
				t.Errorf("Read (-want +got):\n%s", d)
			}

			// U + R + 3 calls, no more.
			wantCounts := map[string]int{"users/list": 1, "users/describe": 4, "roles/list": 1, "roles/describe": 5, "privilege_groups/list": 1}
			if d := cmp.Diff(wantCounts, f.counts()); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
			wantBodies := map[string][]string{
				"users/list":            {`{}`},
				"roles/list":            {`{}`},
				"privilege_groups/list": {`{}`},
				"users/describe":        {`{"userName":"alice"}`, `{"userName":"bob"}`, `{"userName":"ghost"}`, `{"userName":"root"}`},
				"roles/describe": {`{"roleName":"admin","dbName":"*"}`, `{"roleName":"gone","dbName":"*"}`,
					`{"roleName":"public","dbName":"*"}`, `{"roleName":"reader","dbName":"*"}`, `{"roleName":"writer","dbName":"*"}`},
			}
			for ep, want := range wantBodies {
				if d := cmp.Diff(want, f.bodies(ep)); d != "" {
					t.Errorf("%s bodies (-want +got):\n%s", ep, d)
				}
			}
			for _, r := range f.requests() {
				if r.Header.Get("Authorization") != "Bearer root:Milvus" {
					t.Errorf("%s: Authorization %q", r.Endpoint, r.Header.Get("Authorization"))
				}
			}
		})
	}
}

func TestReadEmptyLists(t *testing.T) {
	f := newFake(t).
		always("users/list", ok(`[]`)).
		always("roles/list", ok(`null`)).
		always("privilege_groups/list", ok(`{"privilegeGroups":[]}`))
	live, err := f.start(Config{}).Read(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(live.State.Users)+len(live.State.Roles)+len(live.State.Groups)+len(live.BuiltinGroups) != 0 {
		t.Errorf("live %+v, want empty", live.State)
	}
	if len(f.requests()) != 3 {
		t.Errorf("calls %v, want 3", f.endpoints())
	}
}

// TestReadWithoutPrivilegeGroups: a server older than 2.4.16 answers 404; Read still works
// and says so, and later group calls fail with a *FeatureError without a call.
func TestReadWithoutPrivilegeGroups(t *testing.T) {
	f := cluster(t).always("privilege_groups/list", notFound)
	c := f.start(Config{})
	ctx := testCtx(t)
	live, err := c.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if live.Features.PrivilegeGroups || c.Features().PrivilegeGroups {
		t.Error("PrivilegeGroups reported on a server that answered 404")
	}
	if len(live.State.Groups) != 0 || len(live.BuiltinGroups) != 0 || len(live.State.Users) != 4 {
		t.Errorf("groups %v, built-ins %v, %d users", live.State.Groups, live.BuiltinGroups, len(live.State.Users))
	}
	n := len(f.requests())
	var fe *FeatureError
	if err := c.CreatePrivilegeGroup(ctx, "g"); !errors.As(err, &fe) || !strings.Contains(err.Error(), "2.4.16") {
		t.Errorf("create group: err = %v, want a *FeatureError naming 2.4.16", err)
	}
	if len(f.requests()) != n {
		t.Error("a group call was made on a server known to lack groups")
	}
}

// TestReadConcurrencyBound: describes run concurrently, never more than Concurrency at once.
func TestReadConcurrencyBound(t *testing.T) {
	var users, roles []string
	for i := range 30 {
		users = append(users, fmt.Sprintf("%q", fmt.Sprintf("u%d", i)))
	}
	for i := range 10 {
		roles = append(roles, fmt.Sprintf("%q", fmt.Sprintf("r%d", i)))
	}
	slow := reply{Body: `{"code":0,"data":[]}`, Delay: 15 * time.Millisecond}
	f := newFake(t).
		always("users/list", ok("["+strings.Join(users, ",")+"]")).
		always("roles/list", ok("["+strings.Join(roles, ",")+"]")).
		always("privilege_groups/list", ok(`{"privilegeGroups":[]}`)).
		always("users/describe", slow).
		always("roles/describe", slow)
	live, err := f.start(Config{Concurrency: 4}).Read(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(live.State.Users) != 30 || len(live.State.Roles) != 10 {
		t.Fatalf("%d users, %d roles", len(live.State.Users), len(live.State.Roles))
	}
	if m := f.maxInFlight(); m > 4 || m < 3 {
		t.Errorf("max in flight %d, want 3..4", m)
	}
	if n := len(f.requests()); n != 30+10+3 {
		t.Errorf("%d calls, want 43", n)
	}
}

// TestReadMalformed: every answer the API does not promise is an error naming the endpoint
// (and the object, for describes), never a panic or a silently empty state.
func TestReadMalformed(t *testing.T) {
	html := reply{Body: "<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>", ContentType: "text/html"}
	tests := map[string]struct {
		endpoint  string
		reply     reply
		want      []string
		malformed bool
	}{
		"html page":         {"users/list", html, []string{"users/list", "not Milvus JSON", "text/html", "Welcome to nginx"}, true},
		"bad gateway":       {"users/list", reply{Status: 502, Body: "<html>502 Bad Gateway</html>", ContentType: "text/html"}, []string{"users/list: HTTP 502: <html>502 Bad Gateway"}, false},
		"empty body":        {"roles/list", reply{Body: ""}, []string{"roles/list", "not Milvus JSON"}, true},
		"data missing":      {"users/list", reply{Body: `{"code":0}`}, []string{"users/list", `no "data"`}, true},
		"data object":       {"users/list", ok(`{"users":["root"]}`), []string{"users/list", "not a list of names"}, true},
		"data numbers":      {"roles/list", ok(`[1,2]`), []string{"roles/list", "not a list of names"}, true},
		"code missing":      {"users/list", reply{Body: `{"data":["root"]}`}, []string{"users/list", `no "code"`}, true},
		"code string":       {"roles/list", reply{Body: `{"code":"0","data":[]}`}, []string{"roles/list", "not Milvus JSON"}, true},
		"json array":        {"users/list", reply{Body: `["root"]`}, []string{"users/list", "not Milvus JSON"}, true},
		"server error":      {"roles/list", fail(65535, "etcd unavailable"), []string{"list roles: roles/list: code 65535: etcd unavailable"}, false},
		"user roles object": {"users/describe", ok(`{"roles":[]}`), []string{"describe user", "users/describe", "not a list of role names"}, true},
		"grant wrong type":  {"roles/describe", ok(`[{"objectType":1,"objectName":"*","privilege":"Search","dbName":"default"}]`), []string{"describe role", "roles/describe", "not a list of grants"}, true},
		"grants string":     {"roles/describe", ok(`"none"`), []string{"roles/describe", "not a list of grants"}, true},
		"groups array":      {"privilege_groups/list", ok(`[]`), []string{"privilege_groups/list", "privilegeGroups"}, true},
		"groups missing":    {"privilege_groups/list", ok(`{}`), []string{"privilege_groups/list", `no "data.privilegeGroups"`}, true},
		"privileges number": {"privilege_groups/list", ok(`{"privilegeGroups":[{"privilegeGroupName":"g","privileges":5}]}`), []string{"privilege_groups/list", "comma-separated"}, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := cluster(t).always(tc.endpoint, tc.reply)
			live, err := f.start(Config{}).Read(testCtx(t))
			if err == nil {
				t.Fatalf("Read succeeded: %+v", live.State)
			}
			for _, s := range tc.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
			if errors.Is(err, ErrMalformedResponse) != tc.malformed {
				t.Errorf("errors.Is(ErrMalformedResponse) = %v, want %v", !tc.malformed, tc.malformed)
			}
		})
	}
}

// TestReadAcceptsPrivilegeList: a server that sends privileges as a JSON list is read too.
func TestReadAcceptsPrivilegeList(t *testing.T) {
	f := cluster(t).always("privilege_groups/list", ok(`{"privilegeGroups":[{"privilegeGroupName":"g","privileges":["Search","Query","Search"]}]}`))
	live, err := f.start(Config{}).Read(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(&spec.PrivilegeGroup{Name: "g", Privileges: []string{"Query", "Search"}}, live.State.Groups["g"]); d != "" {
		t.Error(d)
	}
}

// TestReadRemembersCustomGroups: after Read, a custom group with a name the catalogue knows
// nothing about still counts as a group on a server without grant_privilege_v2.
func TestReadRemembersCustomGroups(t *testing.T) {
	c := cluster(t).start(Config{})
	if _, err := c.Read(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if !c.isGroup("my_group") || c.isGroup("Search") || c.isGroup("ReadOnly") {
		t.Errorf("isGroup: my_group %v, Search %v, ReadOnly %v", c.isGroup("my_group"), c.isGroup("Search"), c.isGroup("ReadOnly"))
	}
}

// TestReadIgnoresEmptyRoleNames: the answer of a server whose role-mapping lookup matches by
// key prefix (milvus#46676): "app" gets one "" per role of "app_ingest" and "app2". The roles
// "app" really holds are kept, nothing else, and Read says what it left out, once per user.
func TestReadIgnoresEmptyRoleNames(t *testing.T) {
	f := cluster(t).
		always("users/list", ok(`["root","app","app_ingest","app2"]`)).
		on("users/describe", func(b map[string]any) reply {
			switch b["userName"] {
			case "app":
				return ok(`["reader","","",""]`)
			case "app_ingest":
				return ok(`["writer","reader"]`)
			case "app2":
				return ok(`[null,"reader"]`)
			}
			return ok(`[]`)
		})
	live, err := f.start(Config{}).Read(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for n, u := range live.State.Users {
		got[n] = u.Roles
	}
	want := map[string][]string{"root": nil, "app": {"reader"}, "app_ingest": {"reader", "writer"}, "app2": {"reader"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("roles (-want +got):\n%s", d)
	}
	wantIgnored := []Ignored{
		{Endpoint: "users/describe", Kind: "user", Name: "app", Entries: 3, What: EmptyRoleName},
		{Endpoint: "users/describe", Kind: "user", Name: "app2", Entries: 1, What: EmptyRoleName},
	}
	if d := cmp.Diff(wantIgnored, live.Ignored); d != "" {
		t.Errorf("Ignored (-want +got):\n%s", d)
	}
	if s := live.Ignored[0].String(); s != `users/describe of user "app": 3 empty role names` {
		t.Errorf("String() = %q", s)
	}
}

// TestReadInfersRelease: with no version given, Read bounds the release from the answers it
// had anyway (no extra call); a given version wins.
func TestReadInfersRelease(t *testing.T) {
	// groups is privilege_groups/list with the built-in groups of contents v (in the order
	// and joined form servers use), and the custom group my_group.
	groups := func(v privilege.Version) reply {
		body := `{"privilegeGroups":[{"privilegeGroupName":"my_group","privileges":"Query"}`
		for _, g := range privilege.BuiltinGroups {
			body += `,{"privilegeGroupName":"` + g + `","privileges":"` + shuffled(privilege.Members(g, v)...) + `"}`
		}
		return ok(body + `]}`)
	}
	configured := ok(`{"privilegeGroups":[{"privilegeGroupName":"CollectionReadOnly","privileges":"Query,Search"}]}`)
	tests := map[string]struct {
		groups      reply
		description bool
		given       string
		want        string
	}{
		"2.4 before groups":  {groups: reply{Status: http.StatusNotFound, Body: "404 page not found"}, want: "2.4.3 to 2.4.15"},
		"2.4 custom only":    {groups: ok(`{"privilegeGroups":[]}`), want: "2.4.16 to 2.4.17"},
		"2.5 contents":       {groups: groups(privilege.V2_5), want: "2.4.18 to 2.5.x"},
		"2.6.0 to 2.6.5":     {groups: groups(privilege.V2_6_0), want: "2.6.0 to 2.6.5"},
		"2.6.6 to 2.6.11":    {groups: groups(privilege.V2_6_6), want: "2.6.6 to 2.6.11"},
		"2.6 before 2.6.19":  {groups: groups(privilege.V2_6), want: "2.6.12 to 2.6.18"},
		"2.6.19 and later":   {groups: groups(privilege.V2_6), description: true, want: "2.6.19 to 2.6.x"},
		"3.0":                {groups: groups(privilege.V3_0), description: true, want: "3.0.0 or later"},
		"configured groups":  {groups: configured, want: "2.4.3 or later"},
		"configured, 2.6.19": {groups: configured, description: true, want: "2.6.19 or later"},
		"given":              {groups: groups(privilege.V2_5), given: "2.6.12", want: "2.6.12"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := cluster(t).always("privilege_groups/list", tc.groups)
			if tc.description {
				f.always("users/describe", reply{Body: `{"code":0,"data":[],"description":""}`})
			}
			cfg := Config{}
			if tc.given != "" {
				cfg.Version = release.MustParse(tc.given)
			}
			live, err := f.start(cfg).Read(testCtx(t))
			if err != nil {
				t.Fatal(err)
			}
			if got := live.Server.String(); got != tc.want {
				t.Errorf("Server = %q (%s), want %q", got, live.Server.Source, tc.want)
			}
			if n := len(f.requests()); n != 3+4+5 {
				t.Errorf("%d calls, want U+R+3 = 12", n)
			}
		})
	}
}

// TestGivenReleaseContradicted: a given release wins, but a warning says when the
// description key, which no configuration changes, shows it is not the server's.
func TestGivenReleaseContradicted(t *testing.T) {
	for name, tc := range map[string]struct {
		given       string
		description bool
		want        string
	}{
		"2.6.19 without descriptions": {given: "2.6.19", want: `is 2.6.19, but the server's describes answer no "description" key, which Milvus 2.6.19 or later always sends`},
		"2.5.27 with descriptions":    {given: "2.5.27", description: true, want: `is 2.5.27, but the server's describes answer a "description" key, which only Milvus 2.6.19 or later sends`},
		"2.6.19 with descriptions":    {given: "2.6.19", description: true},
		"2.5.27 without":              {given: "2.5.27"},
	} {
		t.Run(name, func(t *testing.T) {
			f := cluster(t)
			if tc.description {
				f.always("users/describe", reply{Body: `{"code":0,"data":[],"description":""}`})
			}
			var warnings []string
			var mu sync.Mutex
			live, err := f.start(Config{Version: release.MustParse(tc.given),
				Warn: func(msg string) { mu.Lock(); warnings = append(warnings, msg); mu.Unlock() }}).Read(testCtx(t))
			if err != nil {
				t.Fatal(err)
			}
			if got := live.Server.String(); got != tc.given {
				t.Errorf("Server = %q, want the given %s", got, tc.given)
			}
			got := strings.Join(warnings, "\n")
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("warnings %q, want %q", got, tc.want)
			}
		})
	}
}

// TestReadWarnsOnce: what Read leaves out is said in one line per kind, once per client,
// however often the cluster is read (apply reads it twice); -v lists every object.
func TestReadWarnsOnce(t *testing.T) {
	f := cluster(t).
		always("users/list", ok(`["root","a","a1","a2","a3","a4"]`)).
		on("users/describe", func(b map[string]any) reply {
			if b["userName"] == "a" {
				return ok(`["", "", ""]`)
			}
			return ok(`["", "reader"]`)
		})
	var (
		mu               sync.Mutex // Log is called from the concurrent reads
		warnings, logged []string
	)
	c := f.start(Config{
		Warn: func(msg string) { mu.Lock(); warnings = append(warnings, msg); mu.Unlock() },
		Log: func(format string, args ...any) {
			mu.Lock()
			logged = append(logged, fmt.Sprintf(format, args...))
			mu.Unlock()
		},
	})
	for range 2 {
		if _, err := c.Read(testCtx(t)); err != nil {
			t.Fatal(err)
		}
	}
	want := `ignored 8 empty role name(s) in users/describe answers for user "a", user "a1", user "a2" and 3 more (-v lists them): they name no role (`
	if len(warnings) != 1 || !strings.HasPrefix(warnings[0], want) {
		t.Fatalf("warnings %q, want one starting %q", warnings, want)
	}
	n := 0
	for _, l := range logged {
		if strings.HasPrefix(l, "ignored: users/describe of user ") {
			n++
		}
	}
	if n != 2*6 {
		t.Errorf("%d ignored lines in the log, want 6 per read", n)
	}
}

// TestReadIgnoresBlankGrants: leftover storage keys listed by roles/describe without an object
// name, privilege or object type (milvus#49989) are left out and reported; the real grants of
// the role are kept.
func TestReadIgnoresBlankGrants(t *testing.T) {
	f := cluster(t).on("roles/describe", func(b map[string]any) reply {
		if b["roleName"] == "reader" {
			return ok(`[
				{"objectType":"Collection","objectName":"books","privilege":"Search","dbName":"default","grantor":"root"},
				{"objectType":"Collection","objectName":"","privilege":"Search","dbName":"default","grantor":"root"},
				{"objectType":"Collection","objectName":"books","privilege":"","dbName":"default","grantor":"root"},
				{"objectType":"","objectName":"books","privilege":"Query","dbName":"default","grantor":"root"}]`)
		}
		return ok(`[]`)
	})
	live, err := f.start(Config{}).Read(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []spec.Grant{{ObjectType: "Collection", Privilege: "Search", Database: "default", Object: "books"}}
	if d := cmp.Diff(want, live.State.Roles["reader"].Grants); d != "" {
		t.Errorf("grants (-want +got):\n%s", d)
	}
	wantIgnored := []Ignored{{Endpoint: "roles/describe", Kind: "role", Name: "reader", Entries: 3, What: BlankGrant}}
	if d := cmp.Diff(wantIgnored, live.Ignored); d != "" {
		t.Errorf("Ignored (-want +got):\n%s", d)
	}
}

// TestReadGroupsForbidden: an operator that may not list privilege groups (rights in one
// database only) still reads users, roles and grants; Read says what it could not read, once.
func TestReadGroupsForbidden(t *testing.T) {
	f := cluster(t).always("privilege_groups/list", reply{Status: http.StatusForbidden,
		Body: "{\"code\":65535,\"message\":\"rpc error: code = PermissionDenied desc = PrivilegeListPrivilegeGroups: permission deny to ops in the `default` database\"}"})
	var warnings []string
	live, err := f.start(Config{Warn: func(m string) { warnings = append(warnings, m) }}).Read(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if live.GroupsDenied == nil || len(live.State.Groups) != 0 || len(live.State.Roles) != 4 {
		t.Errorf("GroupsDenied %v, %d groups, %d roles", live.GroupsDenied, len(live.State.Groups), len(live.State.Roles))
	}
	if len(live.BuiltinGroups["CollectionReadOnly"]) == 0 {
		t.Error("no built-in group contents assumed")
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "could not list privilege groups") || !strings.Contains(warnings[0], "PrivilegeListPrivilegeGroups") {
		t.Errorf("warnings %q", warnings)
	}
	if got := live.Server.String(); got != "2.4.16 or later" {
		t.Errorf("Server %q", got)
	}
}

// TestAliases: one aliases/list, and a describe only for the aliases asked about.
func TestAliases(t *testing.T) {
	f := newFake(t).
		always("aliases/list", ok(`["orders_v","other_alias"]`)).
		on("aliases/describe", func(b map[string]any) reply {
			if b["dbName"] != "sales" || b["aliasName"] != "orders_v" {
				t.Errorf("describe %v", b)
			}
			return ok(`{"aliasName":"orders_v","collectionName":"orders","dbName":"sales"}`)
		}).
		always("databases/list", ok(`["sales","default"]`))
	c := f.start(Config{})
	got, err := c.Aliases(testCtx(t), "sales", []string{"orders", "orders_v"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]string{"orders_v": "orders"}, got); d != "" {
		t.Errorf("Aliases (-want +got):\n%s", d)
	}
	dbs, err := c.Databases(testCtx(t))
	if err != nil || !slices.Equal(dbs, []string{"default", "sales"}) {
		t.Errorf("Databases = %v, %v", dbs, err)
	}
	if d := cmp.Diff(map[string]int{"aliases/list": 1, "aliases/describe": 1, "databases/list": 1}, f.counts()); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}
