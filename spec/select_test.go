package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSelectGolden selects parts of testdata/select/live.yaml as export --only-user and
// --only-role do, and compares the written file with testdata/select/<case>.golden. Each
// result must load again on its own: a selected user's roles and a selected role's groups
// come with it.
func TestSelectGolden(t *testing.T) {
	live, err := Load("testdata/select/live.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		sel       Selection
		unmatched []string
	}{
		"team_a_users":           {sel: Selection{Users: []string{"a_*"}}},
		"team_a_users_and_roles": {sel: Selection{Users: []string{"a_*"}, Roles: []string{"a_*"}}},
		"one_role_and_its_group": {sel: Selection{Roles: []string{"b_writer"}}},
		"user_with_builtin_role": {sel: Selection{Users: []string{"ops", "nobody_*"}}, unmatched: []string{"nobody_*"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			st, unmatched := Select(live.State, tc.sel)
			if d := cmp.Diff(tc.unmatched, unmatched); d != "" {
				t.Errorf("unmatched (-want +got):\n%s", d)
			}
			out, err := Marshal(&Spec{Mode: ModeAdopt, State: st, NoSchemaComment: true})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Parse(name+".yaml", out); err != nil {
				t.Errorf("the selection does not load on its own: %v\n%s", err, out)
			}
			golden := filepath.Join("testdata/select", name+".golden")
			if *update {
				if err := os.WriteFile(golden, out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test ./spec -run TestSelectGolden -update)", err)
			}
			if d := cmp.Diff(string(want), string(out)); d != "" {
				t.Errorf("%s (-want +got):\n%s", golden, d)
			}
		})
	}
}

func TestSelectionCheck(t *testing.T) {
	err := Selection{Users: []string{"[a-"}}.Check()
	if err == nil || !strings.Contains(err.Error(), `--only-user "[a-"`) {
		t.Errorf("bad pattern: %v", err)
	}
}

// TestSelectOverlappingPatterns: a pattern that matches only names an earlier pattern also
// matches still matched something; export must not warn that it "matches nothing".
func TestSelectOverlappingPatterns(t *testing.T) {
	live, err := Load("testdata/select/live.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var user, role string
	for _, u := range live.State.UserNames() {
		user = u
		break
	}
	for _, r := range live.State.RoleNames() {
		role = r
		break
	}
	_, unmatched := Select(live.State, Selection{Users: []string{"*", user}, Roles: []string{"*", role}})
	if len(unmatched) != 0 {
		t.Errorf("unmatched %v: %q and %q match a user and a role", unmatched, user, role)
	}
}
