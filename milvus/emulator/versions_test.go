package emulator

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/milvus-rbac/milvus-rbac/release"
)

// describeUser returns the data of users/describe for name as root.
func (h *harness) describeUser(name string) []string {
	h.t.Helper()
	e := decode(h.t, h.root("users/describe", `{"userName":"`+name+`"}`))
	if e.Code != 0 {
		h.t.Fatalf("describe user %s: %d %s", name, e.Code, e.Message)
	}
	var out []string
	if err := json.Unmarshal(e.Data, &out); err != nil {
		h.t.Fatal(err)
	}
	return out
}

// TestDescribeUserPrefixQuirk: releases that look role mappings up by the bare user-name prefix
// answer one "" per mapping of every user whose name starts with the described one, in etcd key
// order; releases with release.ExactUserRoleLookup answer the user's own roles only.
func TestDescribeUserPrefixQuirk(t *testing.T) {
	setup := func(t *testing.T, h *harness, dotted bool) {
		users := map[string][]string{
			"app": {"r1"}, "app_ingest": {"r2", "r3"}, "app2": {"r4"}, "apple": {"r5"},
			"bapp": {"r6"}, "ap": nil, "solo": nil,
		}
		if dotted {
			users["app.x"] = []string{"r7"}
		}
		for _, r := range []string{"r1", "r2", "r3", "r4", "r5", "r6", "r7"} {
			mustNil(t, h.emu.CreateRole(r))
		}
		for u, roles := range users {
			mustNil(t, h.emu.CreateUser(u, "secret1"))
			for _, r := range roles {
				mustNil(t, h.emu.AddUserRole(u, r))
			}
		}
	}
	for _, tc := range []struct {
		version string
		dotted  bool
		app     []string // users/describe app
		ap      []string // users/describe ap: a prefix of everyone, no roles of its own
		ghost   []string // users/describe appl: no such user, a prefix of apple
	}{
		// Keys in byte order: app/r1 < app2/r4 < app_ingest/r2 < app_ingest/r3 < apple/r5.
		{"2.4.18", false, []string{"r1", "", "", "", ""}, []string{"", "", "", "", ""}, []string{""}},
		{"2.5.27", false, []string{"r1", "", "", "", ""}, []string{"", "", "", "", ""}, []string{""}},
		// "." sorts before "/": app.x/r7 comes first.
		{"2.6.4", true, []string{"", "r1", "", "", "", ""}, []string{"", "", "", "", "", ""}, []string{""}},
		// #46708 is in 2.6.8 but has no effect before #48133 (2.6.13).
		{"2.6.12", true, []string{"", "r1", "", "", "", ""}, []string{"", "", "", "", "", ""}, []string{""}},
		{"2.6.13", true, []string{"r1"}, []string{}, []string{}},
		{"2.6.19", true, []string{"r1"}, []string{}, []string{}},
	} {
		t.Run(tc.version, func(t *testing.T) {
			v := release.MustParse(tc.version)
			h := start(t, Options{Version: v})
			setup(t, h, tc.dotted)
			if d := cmp.Diff(tc.app, h.describeUser("app")); d != "" {
				t.Errorf("app (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.ap, h.describeUser("ap")); d != "" {
				t.Errorf("ap (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.ghost, h.describeUser("appl")); d != "" {
				t.Errorf("appl (-want +got):\n%s", d)
			}
			// Names that merely contain the user's name, and users without roles, are not met.
			if d := cmp.Diff([]string{"r6"}, h.describeUser("bapp")); d != "" {
				t.Errorf("bapp (-want +got):\n%s", d)
			}
			if d := cmp.Diff([]string{}, h.describeUser("solo")); d != "" {
				t.Errorf("solo (-want +got):\n%s", d)
			}
			// The helper Users reads the state, not the answer: it never has "".
			if d := cmp.Diff([]string{"r1"}, h.emu.Users()["app"]); d != "" {
				t.Errorf("Users()[app] (-want +got):\n%s", d)
			}
		})
	}
}

// TestCustomGroupMixedMembers: adding to a custom group members unlike the present ones
// (object type on 2.4.18-2.5.3, level from 2.5.4) is refused, with each era's code and message.
// "All" has object type Global and no level: it may join Global privileges before 2.5.4, and
// nothing that has a level after; alone it is accepted everywhere.
func TestCustomGroupMixedMembers(t *testing.T) {
	const (
		typeMsg  = "privileges are not the same object type"
		levelMsg = "privileges are not the same privilege level"
	)
	type add struct {
		members, added []string
	}
	cases := map[string]add{
		"All beside Query":            {[]string{"Query"}, []string{"All"}},
		"All beside CreateCollection": {[]string{"CreateCollection"}, []string{"All"}},
		"All and Search at once":      {nil, []string{"All", "Search"}},
		"All alone":                   {nil, []string{"All"}},
		"Query and CreateDatabase":    {nil, []string{"Query", "CreateDatabase"}},
		"two Global levels":           {[]string{"CreateDatabase"}, []string{"CreateCollection"}},
		"one level":                   {[]string{"Query"}, []string{"Search", "Insert"}},
	}
	for _, tc := range []struct {
		version string
		want    map[string]want // absent: accepted
	}{
		{"2.4.17", nil},
		{"2.4.18", map[string]want{
			"All beside Query":         {65535, typeMsg},
			"All and Search at once":   {65535, typeMsg},
			"Query and CreateDatabase": {65535, typeMsg},
		}},
		{"2.5.3", map[string]want{
			"All beside Query":         {65535, typeMsg},
			"All and Search at once":   {65535, typeMsg},
			"Query and CreateDatabase": {65535, typeMsg},
		}},
		{"2.5.4", map[string]want{
			"All beside Query":            {65535, levelMsg},
			"All beside CreateCollection": {65535, levelMsg},
			"All and Search at once":      {65535, levelMsg},
			"Query and CreateDatabase":    {65535, levelMsg},
			"two Global levels":           {65535, levelMsg},
		}},
		{"2.6.4", map[string]want{
			"All beside Query":            {65535, levelMsg},
			"All beside CreateCollection": {65535, levelMsg},
			"All and Search at once":      {65535, levelMsg},
			"Query and CreateDatabase":    {65535, levelMsg},
			"two Global levels":           {65535, levelMsg},
		}},
		{"2.6.5", map[string]want{
			"All beside Query":            {1100, levelMsg + ": invalid parameter"},
			"All beside CreateCollection": {1100, levelMsg + ": invalid parameter"},
			"All and Search at once":      {1100, levelMsg + ": invalid parameter"},
			"Query and CreateDatabase":    {1100, levelMsg + ": invalid parameter"},
			"two Global levels":           {1100, levelMsg + ": invalid parameter"},
		}},
		{"2.6.19", map[string]want{
			"All beside Query":            {1100, levelMsg + ": invalid parameter"},
			"All beside CreateCollection": {1100, levelMsg + ": invalid parameter"},
			"All and Search at once":      {1100, levelMsg + ": invalid parameter"},
			"Query and CreateDatabase":    {1100, levelMsg + ": invalid parameter"},
			"two Global levels":           {1100, levelMsg + ": invalid parameter"},
		}},
	} {
		for name, c := range cases {
			t.Run(tc.version+"/"+name, func(t *testing.T) {
				h := start(t, Options{Version: release.MustParse(tc.version)})
				mustNil(t, h.emu.CreatePrivilegeGroup("g", c.members...))
				added, _ := json.Marshal(c.added)
				got := decode(t, h.root("privilege_groups/add_privileges_to_group", `{"privilegeGroupName":"g","privileges":`+string(added)+`}`))
				w := tc.want[name]
				if got.Code != w.code || got.Message != w.msg {
					t.Fatalf("got %d %q, want %d %q", got.Code, got.Message, w.code, w.msg)
				}
				wantMembers := sortedCopy(c.members)
				if w.code == 0 {
					wantMembers = sortedCopy(append(append([]string{}, c.members...), c.added...))
				}
				if d := cmp.Diff(wantMembers, append([]string{}, h.emu.Groups()["g"]...)); d != "" {
					t.Errorf("members (-want +got):\n%s", d)
				}
			})
		}
	}
}

// TestOperatorWithRightsInOneDatabase: the privilege interceptor checks a request in the
// database of its context (the body's dbName, else DB-Name, else "default"), and a grant in
// "sales" matches only requests in "sales": roles/describe with dbName "*" and
// privilege_groups/list without one are refused (403) to an operator whose rights are granted
// in one database, on every release.
func TestOperatorWithRightsInOneDatabase(t *testing.T) {
	for _, v := range []string{"2.4.18", "2.5.27", "2.6.4", "2.6.12", "2.6.19"} {
		t.Run(v, func(t *testing.T) {
			h := start(t, withVersion(salesOptions, v))
			mustNil(t, h.emu.CreateUser("op", "secret1"))
			mustNil(t, h.emu.CreateRole("ops"))
			mustNil(t, h.emu.CreateRole("other"))
			mustNil(t, h.emu.AddUserRole("op", "ops"))
			for _, p := range []string{"SelectOwnership", "ListPrivilegeGroups"} {
				h.mustOK("roles/grant_privilege_v2", `{"roleName":"ops","privilege":"`+p+`","dbName":"sales","collectionName":"*"}`)
			}
			for _, c := range []struct {
				endpoint, body string
				status         int
				denied         string // the privilege named in the 403, "" when allowed
				db             string
			}{
				{"roles/describe", `{"roleName":"other","dbName":"*"}`, 403, "SelectOwnership", "*"},
				{"roles/describe", `{"roleName":"other","dbName":"sales"}`, 200, "", ""},
				{"roles/describe", `{"roleName":"other"}`, 403, "SelectOwnership", "default"},
				// Describing one's own role needs nothing.
				{"roles/describe", `{"roleName":"ops","dbName":"*"}`, 200, "", ""},
				{"privilege_groups/list", `{}`, 403, "ListPrivilegeGroups", "default"},
				{"privilege_groups/list", `{"dbName":"sales"}`, 200, "", ""},
				{"roles/list", `{}`, 403, "SelectOwnership", "default"},
			} {
				st, body := h.do("op:secret1", c.endpoint, c.body)
				if st != c.status {
					t.Errorf("%s %s: HTTP %d %s, want %d", c.endpoint, c.body, st, body, c.status)
					continue
				}
				if c.denied != "" {
					want := "rpc error: code = PermissionDenied desc = Privilege" + c.denied + ": permission deny to op in the `" + c.db + "` database"
					if got := decode(t, body); got.Code != 65535 || got.Message != want {
						t.Errorf("%s %s: %d %q, want 65535 %q", c.endpoint, c.body, got.Code, got.Message, want)
					}
				}
			}
		})
	}
}

// TestLeftoverGrantKeys: roles/describe lists leftover grant keys with empty fields until
// 2.6.19, which skips keys with a wholly empty segment but still lists "default." with an empty
// objectName; listed leftovers keep the role from being dropped.
func TestLeftoverGrantKeys(t *testing.T) {
	type row struct{ objectType, db, object, privilege string }
	all := []row{
		{"", "default", "c", "Query"},            // "<role>//default.c"
		{"Collection", "default", "", "Query"},   // "<role>/Collection/" (empty segment)
		{"Collection", "default", "", "Search"},  // "<role>/Collection/default."
		{"Collection", "default", "c", ""},       // grantee id ".../<id>/"
		{"Collection", "default", "c", "Insert"}, // a real grant
	}
	for _, tc := range []struct {
		version string
		want    []row
	}{
		{"2.5.27", all},
		{"2.6.18", all},
		{"2.6.19", []row{all[2], all[4]}},
	} {
		t.Run(tc.version, func(t *testing.T) {
			h := start(t, Options{Version: release.MustParse(tc.version)})
			mustNil(t, h.emu.CreateRole("r"))
			mustNil(t, h.emu.Grant("r", "Collection", "Insert", "default", "c"))
			mustNil(t, h.emu.PlantGrantKey("r", "", "default.c", "Query"))
			mustNil(t, h.emu.PlantGrantKey("r", "Collection", "", "Query"))
			mustNil(t, h.emu.PlantGrantKey("r", "Collection", "default.", "Search"))
			mustNil(t, h.emu.PlantGrantKey("r", "Collection", "default.c", ""))
			var got []row
			for _, g := range h.describe("r", "*") {
				got = append(got, row{g["objectType"], g["dbName"], g["objectName"], g["privilege"]})
			}
			if d := cmp.Diff(tc.want, got, cmp.AllowUnexported(row{})); d != "" {
				t.Errorf("roles/describe (-want +got):\n%s", d)
			}
			// No request can revoke a leftover: the names are refused before any lookup.
			if e := decode(t, h.root("roles/revoke_privilege_v2", `{"roleName":"r","privilege":"Search","dbName":"default","collectionName":""}`)); e.Code != 1100 {
				t.Errorf("revoke with an empty collection name: %+v", e)
			}
			if e := decode(t, h.root("roles/revoke_privilege_v2", `{"roleName":"r","privilege":"","dbName":"default","collectionName":"c"}`)); e.Code != 1802 {
				t.Errorf("revoke with an empty privilege: %+v", e)
			}
			h.mustOK("roles/revoke_privilege_v2", `{"roleName":"r","privilege":"Insert","dbName":"default","collectionName":"c"}`)
			if e := decode(t, h.root("roles/drop", `{"roleName":"r"}`)); e.Code == 0 {
				t.Errorf("a role with listed leftovers was dropped")
			}
		})
	}
}

// TestLeftoverRoleMappingKeys: a role-mapping key with an empty role gives "" in users/describe
// until 2.6.19, on releases with and without the prefix lookup.
func TestLeftoverRoleMappingKeys(t *testing.T) {
	for _, tc := range []struct {
		version string
		want    []string
	}{
		{"2.5.27", []string{"", "r1"}},
		{"2.6.13", []string{"", "r1"}},
		{"2.6.19", []string{"r1"}},
	} {
		h := start(t, Options{Version: release.MustParse(tc.version)})
		mustNil(t, h.emu.CreateRole("r1"))
		mustNil(t, h.emu.CreateUser("bob", "secret1"))
		mustNil(t, h.emu.AddUserRole("bob", "r1"))
		mustNil(t, h.emu.PlantRoleMappingKey("bob"))
		if d := cmp.Diff(tc.want, h.describeUser("bob")); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.version, d)
		}
	}
}

// TestDottedUserNamesAsGrantObjects: from 2.6.0 user names may hold "." and "-", but a
// User-type grant validates its object as a collection (v2) or object (v1) name, which may not.
func TestDottedUserNamesAsGrantObjects(t *testing.T) {
	const (
		oldChars = "can only contain numbers, letters, dollars and underscores"
		newChars = "can only contain numbers, letters, underscores, and allowed characters ($)"
	)
	for _, tc := range []struct {
		version string
		create  want   // users/create app.x
		chars   string // the validator's wording, "" when the user cannot exist
	}{
		{"2.5.27", want{1100, "invalid user name app.x, username must contain only numbers, letters and underscores, but got .: invalid parameter"}, ""},
		{"2.6.1", want{0, ""}, oldChars},
		{"2.6.4", want{0, ""}, newChars},
		{"2.6.12", want{0, ""}, newChars},
		{"2.6.19", want{0, ""}, newChars},
	} {
		t.Run(tc.version, func(t *testing.T) {
			h := start(t, Options{Version: release.MustParse(tc.version)})
			mustNil(t, h.emu.CreateRole("r"))
			got := decode(t, h.root("users/create", `{"userName":"app.x","password":"secret1"}`))
			if got.Code != tc.create.code || got.Message != tc.create.msg {
				t.Fatalf("create: %d %q, want %+v", got.Code, got.Message, tc.create)
			}
			if tc.chars == "" {
				return
			}
			for _, c := range []struct{ endpoint, body, msg string }{
				{"roles/grant_privilege_v2", `{"roleName":"r","privilege":"SelectUser","dbName":"*","collectionName":"app.x"}`,
					"collection name " + tc.chars + ", found . at 3: invalid parameter"},
				{"roles/grant_privilege_v2", `{"roleName":"r","privilege":"UpdateUser","dbName":"default","collectionName":"app.x"}`,
					"collection name " + tc.chars + ", found . at 3: invalid parameter"},
				{"roles/grant_privilege", `{"roleName":"r","objectType":"User","objectName":"app.x","privilege":"SelectUser","dbName":"*"}`,
					"object name " + tc.chars + ", found . at 3: invalid parameter"},
			} {
				if got := decode(t, h.root(c.endpoint, c.body)); got.Code != 1100 || got.Message != c.msg {
					t.Errorf("%s %s: %d %q, want 1100 %q", c.endpoint, c.body, got.Code, got.Message, c.msg)
				}
			}
			if n := len(h.emu.Grants("r")); n != 0 {
				t.Errorf("%d grants stored", n)
			}
		})
	}
}

// TestLimitErrorsByRelease: the user and role limits answer 65535 until 2.6.18 and 9 from
// 2.6.19, and the description fields appear with 2.6.19.
func TestLimitErrorsByRelease(t *testing.T) {
	for _, tc := range []struct {
		version     string
		code        int
		user, role  string
		description bool
	}{
		{"2.4.18", 65535, "unable to add user because the number of users has reached the limit",
			"unable to create role because the number of roles has reached the limit", false},
		{"2.6.4", 65535, "unable to add user because the number of users has reached the limit",
			"unable to create role because the number of roles has reached the limit", false},
		{"2.6.18", 65535, "failed to check if add credential: unable to add user because the number of users has reached the limit",
			"failed to check if create role: unable to create role because the number of roles has reached the limit", false},
		{"2.6.19", 9, "failed to check if add credential: quota exceeded[reason=unable to add user because the number of users has reached the limit]",
			"failed to check if create role: quota exceeded[reason=unable to create role because the number of roles has reached the limit]", true},
	} {
		t.Run(tc.version, func(t *testing.T) {
			h := start(t, Options{Version: release.MustParse(tc.version), MaxUsers: 1, MaxRoles: 2})
			if got := decode(t, h.root("users/create", `{"userName":"bob","password":"secret1"}`)); got.Code != tc.code || got.Message != tc.user {
				t.Errorf("user limit: %d %q, want %d %q", got.Code, got.Message, tc.code, tc.user)
			}
			if got := decode(t, h.root("roles/create", `{"roleName":"r"}`)); got.Code != tc.code || got.Message != tc.role {
				t.Errorf("role limit: %d %q, want %d %q", got.Code, got.Message, tc.code, tc.role)
			}
			for _, body := range []string{h.root("users/describe", `{"userName":"root"}`), h.root("roles/describe", `{"roleName":"admin"}`)} {
				if has := strings.Contains(body, `"description":""`); has != tc.description {
					t.Errorf("description field %v, want %v: %s", has, tc.description, body)
				}
			}
		})
	}
}

// TestReplicateConfigurationPrivileges: UpdateReplicateConfiguration joins ClusterAdmin in 2.6.6,
// GetReplicateConfiguration ClusterReadOnly in 2.6.12; before, the names are unknown.
func TestReplicateConfigurationPrivileges(t *testing.T) {
	for _, tc := range []struct {
		version     string
		update, get bool
	}{{"2.5.27", false, false}, {"2.6.4", false, false}, {"2.6.6", true, false}, {"2.6.11", true, false}, {"2.6.12", true, true}, {"3.0.0", true, true}} {
		t.Run(tc.version, func(t *testing.T) {
			h := start(t, Options{Version: release.MustParse(tc.version)})
			body := h.root("privilege_groups/list", `{}`)
			var list struct {
				Data struct {
					PrivilegeGroups []privilegeGroupInfo `json:"privilegeGroups"`
				} `json:"data"`
			}
			mustNil(t, json.Unmarshal([]byte(body), &list))
			members := map[string]string{}
			for _, g := range list.Data.PrivilegeGroups {
				members[g.PrivilegeGroupName] = "," + g.Privileges + ","
			}
			if got := strings.Contains(members["ClusterAdmin"], ",UpdateReplicateConfiguration,"); got != tc.update {
				t.Errorf("ClusterAdmin has UpdateReplicateConfiguration: %v", got)
			}
			if got := strings.Contains(members["ClusterReadOnly"], ",GetReplicateConfiguration,"); got != tc.get {
				t.Errorf("ClusterReadOnly has GetReplicateConfiguration: %v", got)
			}
			mustNil(t, h.emu.CreateRole("r"))
			for p, want := range map[string]bool{"UpdateReplicateConfiguration": tc.update, "GetReplicateConfiguration": tc.get} {
				got := decode(t, h.root("roles/grant_privilege_v2", `{"roleName":"r","privilege":"`+p+`","dbName":"*","collectionName":"*"}`))
				if (got.Code == 0) != want {
					t.Errorf("grant %s: %+v, want ok=%v", p, got, want)
				}
			}
		})
	}
}
