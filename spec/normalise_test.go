package spec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseDefaultsAndNormalisation loads testdata/valid/everything.yaml, which uses every
// default and every grant form, and compares the whole State.
func TestParseDefaultsAndNormalisation(t *testing.T) {
	s, err := Load("testdata/valid/everything.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Mode != ModeAuthoritative || s.PasswordPolicy != PolicyZilliz || s.Version != 1 {
		t.Errorf("mode %q, policy %q, version %d", s.Mode, s.PasswordPolicy, s.Version)
	}
	if s.Schema != "../../../schema.json" {
		t.Errorf("Schema = %q", s.Schema)
	}
	if s.Dir() != "testdata/valid" {
		t.Errorf("Dir() = %q", s.Dir())
	}
	wantProtect := Protect{Users: []string{"db_admin", "svc_*"}, Roles: []string{"db_*"}, Groups: []string{"vendor_?"}}
	if diff := cmp.Diff(wantProtect, s.Protect); diff != "" {
		t.Errorf("Protect (-want +got):\n%s", diff)
	}
	want := &State{
		Groups: map[string]*PrivilegeGroup{
			"search_only": {Name: "search_only", Privileges: []string{"DescribeCollection", "Query", "Search"}},
			"db_browse":   {Name: "db_browse", Privileges: []string{"DescribeDatabase", "ShowCollections"}},
			"cluster_ops": {Name: "cluster_ops", Privileges: []string{"CreateDatabase", "ListDatabases"}},
			"anything":    {Name: "anything", Privileges: []string{"ListDatabases"}},
		},
		Roles: map[string]*Role{
			"reader": {Name: "reader", Grants: []Grant{
				{"Global", "ClusterReadOnly", "*", "*"},              // explicit defaults
				{"Global", "CollectionReadOnly", "*", "*"},           // collection-level group on every database
				{"Global", "DatabaseAdmin", "*", "*"},                // database-level group on every database
				{"Global", "GetReplicateConfiguration", "*", "*"},    // cluster-level (2.6 ClusterReadOnly): "*"
				{"Global", "anything", "*", "*"},                     // custom group of LevelNone members
				{"Global", "cluster_ops", "*", "*"},                  // custom cluster-level group defaults to "*"
				{"User", "UpdateUser", "*", "alice"},                 // User privilege naming a user
				{"Global", "CreateCollection", "default", "*"},       // collection "*" on a database-level privilege
				{"Collection", "Flush", "default", "*"},              // database defaults to "default"
				{"User", "SelectUser", "default", "*"},               // explicit database on a cluster-level privilege
				{"Global", "DescribeCollection", "default", "books"}, // Global privilege of collection level
				{"Collection", "Load", "default", "books"},           // GetLoadState beside it is dropped
				{"Global", "search_only", "default", "books"},
				{"Global", "db_browse", "sales", "*"},
				{"Global", "search_only", "sales", "orders"},
				{"Global", "*", "scratch", "*"}, // privilege "*": every privilege
			}},
			"_$weird$": {Name: "_$weird$"},
			"empty":    {Name: "empty"},
		},
		Users: map[string]*User{
			"alice": {Name: "alice", Roles: []string{"admin", "db_ro", "reader"}, Password: &Secret{Env: "ALICE_PASSWORD"}, PreviousPassword: &Secret{File: "secrets/alice_old"}},
			"bob":   {Name: "bob", Password: &Secret{File: "secrets/bob"}},
			"carol": {Name: "carol"},
		},
	}
	if diff := cmp.Diff(want, s.State); diff != "" {
		t.Errorf("State (-want +got):\n%s", diff)
	}
}

func TestParseDigestAndDefaults(t *testing.T) {
	data := []byte("version: 1\n")
	s, err := Parse("dir/access.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	// printf 'version: 1\n' | sha256sum
	if want := "sha256:09bfcc6a14b83e2192b8673677725c84883ee9cd0c70e45c9ec09daa8f2b2847"; s.Digest != want {
		t.Errorf("Digest = %q, want %q", s.Digest, want)
	}
	other, _ := Parse("dir/access.yaml", []byte("version: 1 \n"))
	if other.Digest == s.Digest {
		t.Error("different bytes gave the same digest")
	}
	if s.Mode != ModeAdopt || s.PasswordPolicy != PolicyZilliz || s.Path != "dir/access.yaml" || s.Dir() != "dir" || s.Schema != "" {
		t.Errorf("got mode %q, policy %q, path %q, dir %q, schema %q", s.Mode, s.PasswordPolicy, s.Path, s.Dir(), s.Schema)
	}
	if len(s.State.Users)+len(s.State.Roles)+len(s.State.Groups) != 0 {
		t.Errorf("State not empty: %+v", s.State)
	}
}

func TestLevelOfAndDefaultDatabase(t *testing.T) {
	st := NewState()
	st.Groups["coll"] = &PrivilegeGroup{Name: "coll", Privileges: []string{"Query", "All"}}
	st.Groups["clu"] = &PrivilegeGroup{Name: "clu", Privileges: []string{"CreateDatabase"}}
	st.Groups["mixed"] = &PrivilegeGroup{Name: "mixed", Privileges: []string{"CreateDatabase", "Search"}}
	for name, want := range map[string]string{
		"Search": "default", "CreateCollection": "default", "ClusterReadOnly": "*", "CreateDatabase": "*",
		"UpdateUser": "*", "All": "default", "*": "default", "coll": "default", "clu": "*", "mixed": "default",
		"missing": "default",
	} {
		if got := st.DefaultDatabase(name); got != want {
			t.Errorf("DefaultDatabase(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestCollapseImplied(t *testing.T) {
	in := []Grant{
		NewGrant("Load", "default", "books"),
		NewGrant("GetLoadState", "default", "books"),
		NewGrant("GetLoadingProgress", "default", "books"),
		NewGrant("GetLoadState", "default", "movies"),
		NewGrant("Flush", "*", "*"),
		NewGrant("GetFlushState", "*", "*"),
		NewGrant("GetFlushState", "default", "*"),
	}
	orig := append([]Grant(nil), in...)
	got := CollapseImplied(in)
	want := []Grant{
		NewGrant("Load", "default", "books"),
		NewGrant("GetLoadState", "default", "movies"),
		NewGrant("Flush", "*", "*"),
		NewGrant("GetFlushState", "default", "*"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(orig, in); diff != "" {
		t.Errorf("the input changed:\n%s", diff)
	}
}
