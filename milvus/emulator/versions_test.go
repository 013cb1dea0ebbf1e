package emulator

import (
	"encoding/json"
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
