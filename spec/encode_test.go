package spec

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func marshal(t *testing.T, s *Spec) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encode(&buf, s); err != nil {
		t.Fatal(err)
	}
	b, err := Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, buf.Bytes()) {
		t.Fatal("Encode and Marshal differ")
	}
	return b
}

func TestEncodeCanonicalLayout(t *testing.T) {
	st := NewState()
	st.Groups["search_only"] = &PrivilegeGroup{Name: "search_only", Privileges: []string{"Search", "Query"}}
	st.Roles["reader"] = &Role{Name: "reader", Grants: SortGrants([]Grant{
		NewGrant("search_only", "default", "books"),
		NewGrant("DatabaseReadOnly", "sales", "*"),
		NewGrant("UpdateUser", "*", "*"),
		NewGrant("SelectUser", "*", "bob"),
		NewGrant("ClusterReadOnly", "*", "*"),
		NewGrant("CollectionReadOnly", "*", "*"),
		NewGrant("Load", "default", "books"),
		NewGrant("GetLoadState", "default", "books"),
		NewGrant("GetLoadingProgress", "default", "books"),
	})}
	st.Roles["empty"] = &Role{Name: "empty"}
	st.Users["user_1"] = &User{Name: "user_1", Roles: []string{"reader", "db_ro"}, Password: &Secret{Env: "USER_1_PASSWORD"}}
	st.Users["bob"] = &User{Name: "bob", Password: &Secret{File: "secrets/bob"}}
	st.Users["exported"] = &User{Name: "exported", Roles: []string{"admin"}}
	s := &Spec{Mode: ModeAuthoritative, PasswordPolicy: PolicyMilvus,
		Protect: Protect{Users: []string{"db_admin"}, Roles: []string{"db_*"}}, State: st}
	want := `# yaml-language-server: $schema=../schema.json
version: 1
mode: authoritative
password_policy: milvus

protect:
  users: [db_admin]
  roles: [db_*]

privilege_groups:
  - name: search_only
    privileges: [Query, Search]

roles:
  - name: empty
  - name: reader
    grants:
      - privilege: ClusterReadOnly
      - privilege: CollectionReadOnly
        database: "*"
      - privilege: UpdateUser
      - privilege: SelectUser
        user: bob
      - privilege: Load
        collection: books
      - privilege: search_only
        collection: books
      - privilege: DatabaseReadOnly
        database: sales

users:
  - name: bob
    password: {file: secrets/bob}
  - name: exported
    roles: [admin]
  - name: user_1
    password: {env: USER_1_PASSWORD}
    roles: [db_ro, reader]
`
	if diff := cmp.Diff(want, string(marshal(t, s))); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if n := len(st.Roles["reader"].Grants); n != 9 {
		t.Errorf("Encode changed the state: reader has %d grants, want 9", n)
	}
	if got := st.Users["user_1"].Roles; got[0] != "reader" {
		t.Errorf("Encode sorted the state's roles in place: %v", got)
	}
}

func TestEncodeDefaultsOfAnEmptySpec(t *testing.T) {
	want := "# yaml-language-server: $schema=../schema.json\nversion: 1\nmode: adopt\n"
	if diff := cmp.Diff(want, string(marshal(t, &Spec{}))); diff != "" {
		t.Error(diff)
	}
	want = "# yaml-language-server: $schema=https://example.com/s.json\nversion: 1\nmode: additive\n"
	if diff := cmp.Diff(want, string(marshal(t, &Spec{Mode: ModeAdditive, PasswordPolicy: PolicyZilliz, Schema: "https://example.com/s.json"}))); diff != "" {
		t.Error(diff)
	}
}

// roundTrip checks Parse(Encode(s)) == s for a spec Parse produced.
func roundTrip(t *testing.T, s *Spec) *Spec {
	t.Helper()
	out := marshal(t, s)
	back, err := Parse(filepath.Join(s.Dir(), "encoded.yaml"), out)
	if err != nil {
		t.Fatalf("Parse(Encode(s)): %v\n%s", err, out)
	}
	if diff := cmp.Diff(s.State, back.State); diff != "" {
		t.Errorf("State changed by a round trip (-before +after):\n%s\n%s", diff, out)
	}
	if s.Mode != back.Mode || s.PasswordPolicy != back.PasswordPolicy || s.Schema != back.Schema {
		t.Errorf("mode %q/%q, policy %q/%q, schema %q/%q", s.Mode, back.Mode, s.PasswordPolicy, back.PasswordPolicy, s.Schema, back.Schema)
	}
	if diff := cmp.Diff(s.Protect, back.Protect); diff != "" {
		t.Errorf("Protect changed by a round trip:\n%s", diff)
	}
	// Encoding is a fixed point: the encoded file encodes to itself.
	if again := marshal(t, back); !bytes.Equal(out, again) {
		t.Errorf("Encode(Parse(Encode(s))) differs from Encode(s):\n%s", cmp.Diff(string(out), string(again)))
	}
	return back
}

func TestEncodeRoundTripOnFiles(t *testing.T) {
	files := append(globFiles(t, "../examples/*.yaml"), globFiles(t, "testdata/valid/*.yaml")...)
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			s, err := Load(f)
			if err != nil {
				t.Fatal(err)
			}
			roundTrip(t, s)
		})
	}
}

// liveState is what package milvus may read from a cluster: grants made through v1 and v2,
// Global privileges with a collection as object, companions Milvus added, users without a
// password source.
func liveState() *State {
	st := NewState()
	st.Groups["ops"] = &PrivilegeGroup{Name: "ops", Privileges: []string{"CreateDatabase", "ListDatabases"}}
	st.Groups["search_only"] = &PrivilegeGroup{Name: "search_only", Privileges: []string{"Query", "Search"}}
	st.Roles["r"] = &Role{Name: "r", Grants: SortGrants([]Grant{
		NewGrant("DescribeCollection", "default", "books"), // Global object type, collection level
		NewGrant("ListAliases", "sales", "orders"),
		NewGrant("CreateAlias", "*", "*"),
		NewGrant("Load", "default", "books"),
		NewGrant("GetLoadState", "default", "books"),
		NewGrant("GetLoadingProgress", "default", "books"),
		NewGrant("Flush", "*", "*"),
		NewGrant("GetFlushState", "*", "*"),
		NewGrant("GetLoadState", "default", "movies"), // no Load beside it: kept
		NewGrant("UpdateUser", "*", "bob"),
		NewGrant("SelectUser", "default", "*"),
		NewGrant("ops", "*", "*"),
		NewGrant("search_only", "sales", "orders"),
		NewGrant("search_only", "*", "*"),
		NewGrant("ClusterAdmin", "*", "*"),
		NewGrant("CreateCollection", "sales", "*"),
		NewGrant("CreateDatabase", "default", "*"), // a cluster-level single privilege on one database
		NewGrant("*", "*", "*"),
		NewGrant("All", "default", "*"),
		NewGrant("Search", "*", "books"),
	})}
	st.Roles["bare"] = &Role{Name: "bare"}
	st.Users["bob"] = &User{Name: "bob", Roles: []string{"r"}}
	st.Users["nobody"] = &User{Name: "nobody"}
	st.Users["boss"] = &User{Name: "boss", Roles: []string{"admin", "bare"}}
	return st
}

// TestEncodeRoundTripOnLiveState: an export of a live state parses back to that state,
// less the companions Milvus adds by itself.
func TestEncodeRoundTripOnLiveState(t *testing.T) {
	live := liveState()
	out := marshal(t, &Spec{State: live})
	back, err := Parse("export.yaml", out)
	if err != nil {
		t.Fatalf("the export does not parse: %v\n%s", err, out)
	}
	want := liveState()
	want.Roles["r"].Grants = CollapseImplied(want.Roles["r"].Grants)
	if diff := cmp.Diff(want, back.State); diff != "" {
		t.Errorf("(-want +got):\n%s\n%s", diff, out)
	}
	if diff := cmp.Diff(liveState(), live); diff != "" {
		t.Errorf("Encode changed its input:\n%s", diff)
	}
	roundTrip(t, back)
}

// TestEncodeInexpressibleGrants documents what Encode does with live grants no valid file
// can hold: it writes them as they are, and Parse says what is wrong with them.
func TestEncodeInexpressibleGrants(t *testing.T) {
	cases := map[string]struct {
		state func(*State)
		want  []string
	}{
		"collection on a database-level privilege (made through grant_privilege_v2)": {
			state: func(st *State) {
				st.Roles["r"] = &Role{Name: "r", Grants: []Grant{NewGrant("CreateCollection", "default", "books")}}
			},
			want: []string{`export.yaml:9: roles[0].grants[0].collection: "CreateCollection" is a database-level privilege: it applies to a whole database, so it names no collection`},
		},
		"v1 group": {
			state: func(st *State) {
				st.Roles["r"] = &Role{Name: "r", Grants: []Grant{NewGrant("ReadOnly", "default", "books")}}
			},
			want: []string{`export.yaml:8: roles[0].grants[0].privilege: "ReadOnly" is a v1 privilege group, usable only through the v1 API; use "CollectionReadOnly" instead`},
		},
		"group without members": {
			state: func(st *State) {
				st.Groups["g"] = &PrivilegeGroup{Name: "g"}
			},
			want: []string{`export.yaml:7: privilege_groups[0].privileges: a privilege group needs at least one privilege`},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			st := NewState()
			c.state(st)
			out := marshal(t, &Spec{State: st})
			_, err := Parse("export.yaml", out)
			var ps *Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Parse accepted:\n%s", out)
			}
			if diff := cmp.Diff(c.want, ps.Lines()); diff != "" {
				t.Errorf("(-want +got):\n%s\n%s", diff, out)
			}
		})
	}
}

func TestEncodeObjects(t *testing.T) {
	groups := map[string]*PrivilegeGroup{"ops": {Name: "ops", Privileges: []string{"CreateDatabase"}}}
	role := &Role{Name: "r", Grants: []Grant{
		NewGrant("ops", "*", "*"),
		NewGrant("Search", "default", "books"),
		NewGrant("Insert", "sales", "*"),
	}}
	cases := map[string]struct {
		encode func(*bytes.Buffer) error
		want   string
	}{
		"role": {
			encode: func(b *bytes.Buffer) error { return EncodeRole(b, role, groups) },
			want:   "name: r\ngrants:\n  - privilege: ops\n  - privilege: Search\n    collection: books\n  - privilege: Insert\n    database: sales\n",
		},
		"role without its groups": {
			encode: func(b *bytes.Buffer) error { return EncodeRole(b, role, nil) },
			want:   "name: r\ngrants:\n  - privilege: ops\n    database: \"*\"\n  - privilege: Search\n    collection: books\n  - privilege: Insert\n    database: sales\n",
		},
		"user": {
			encode: func(b *bytes.Buffer) error {
				return EncodeUser(b, &User{Name: "u", Roles: []string{"b", "a"}, Password: &Secret{Env: "U_PW"}})
			},
			want: "name: u\npassword: {env: U_PW}\nroles: [a, b]\n",
		},
		"live user": {
			encode: func(b *bytes.Buffer) error { return EncodeUser(b, &User{Name: "u"}) },
			want:   "name: u\n",
		},
		"group": {
			encode: func(b *bytes.Buffer) error {
				return EncodeGroup(b, &PrivilegeGroup{Name: "g", Privileges: []string{"Search", "Query"}})
			},
			want: "name: g\nprivileges: [Query, Search]\n",
		},
		"long group": {
			encode: func(b *bytes.Buffer) error {
				return EncodeGroup(b, &PrivilegeGroup{Name: "g", Privileges: []string{"GetLoadingProgress", "DescribeCollection", "GetStatistics", "ShowPartitions", "HasPartition"}})
			},
			want: "name: g\nprivileges:\n  - DescribeCollection\n  - GetLoadingProgress\n  - GetStatistics\n  - HasPartition\n  - ShowPartitions\n",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := c.encode(&b); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, b.String()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
