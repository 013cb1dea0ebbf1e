package plan

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/milvus-rbac/milvus-rbac/spec"
)

var updateGolden = flag.Bool("update", false, "rewrite golden files")

// checkGolden compares got with testdata/<name>, rewriting it under -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./plan -update to create it)", err)
	}
	if got != string(want) {
		dmp := diffmatchpatch.New()
		t.Errorf("%s differs:\n%s", path, dmp.DiffPrettyText(dmp.DiffMain(string(want), got, false)))
	}
}

func TestMarkdownGolden(t *testing.T) {
	// A large cluster to clean up: 400 users and 100 roles to drop, 300 users to create.
	big := spec.NewState()
	bigLive := st(builtinUsers, builtinRoles, nil)
	for i := 0; i < 300; i++ {
		n := fmt.Sprintf("new_user_%03d", i)
		big.Users[n] = &spec.User{Name: n, Roles: []string{"reader"}, Password: &spec.Secret{Env: "PW"}}
	}
	big.Roles["reader"] = &spec.Role{Name: "reader", Grants: []spec.Grant{spec.NewGrant("Search", "default", "*")}}
	for i := 0; i < 100; i++ {
		r := fmt.Sprintf("old_role_%03d", i)
		bigLive.Roles[r] = &spec.Role{Name: r, Grants: []spec.Grant{spec.NewGrant("Insert", "default", "*"), spec.NewGrant("Delete", "sales", "orders")}}
	}
	for i := 0; i < 400; i++ {
		u := fmt.Sprintf("old_user_%03d", i)
		bigLive.Users[u] = &spec.User{Name: u, Roles: []string{fmt.Sprintf("old_role_%03d", i%100)}}
	}
	cases := map[string]struct {
		mode       spec.Mode
		want, live *spec.State
		max        int
	}{
		"no_changes": {want: st(nil, []string{"r:Search@default.*"}, nil), live: st(builtinUsers, append(builtinRoles, "r:Search@default.*"), nil)},
		"destructive_first": {mode: spec.ModeAuthoritative,
			want: st([]string{"alice:reader"}, []string{"reader:search_only@default.books"}, []string{"search_only:Query,Search"}),
			live: st(append(builtinUsers, "alice:writer", "mallory:writer"), append(builtinRoles, "writer:Insert@*.*"), nil)},
		"over_the_cap": {mode: spec.ModeAuthoritative, want: big, live: bigLive},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			mode := tc.mode
			if mode == "" {
				mode = spec.ModeAdopt
			}
			p, err := Diff(&spec.Spec{Mode: mode, State: tc.want}, tc.live, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := p.WriteMarkdown(&b, MarkdownOptions{SpecName: "access.yaml", Preface: "_access delta goes here_"}); err != nil {
				t.Fatal(err)
			}
			if b.Len() > MaxMarkdown {
				t.Errorf("markdown is %d characters, over the cap of %d", b.Len(), MaxMarkdown)
			}
			out := b.String()
			if !p.Empty() {
				summary := strings.SplitN(out, "\n", 2)[0]
				if !strings.HasPrefix(summary, "### milvus-rbac plan for `access.yaml`: ") {
					t.Errorf("first line is not the summary: %q", summary)
				}
				if d := strings.Index(out, "destructive step"); len(p.Destructive()) > 0 && (d < 0 || d > strings.Index(out, "<details>")) {
					t.Error("destructive steps do not come before the full plan")
				}
			}
			checkGolden(t, filepath.Join("markdown", name+".md"), out)
		})
	}
}

func TestMarkdownCapCutsAtLines(t *testing.T) {
	p := &Plan{Mode: spec.ModeAdopt}
	var preface strings.Builder
	for i := 0; i < 50; i++ {
		p.Steps = append(p.Steps, Step{Action: DropUser, User: fmt.Sprintf("user_%02d", i)})
		fmt.Fprintf(&preface, "- `user_%02d` loses everything\n", i)
	}
	for _, max := range []int{800, 1200, 1800, 3000} {
		var b bytes.Buffer
		if err := p.WriteMarkdown(&b, MarkdownOptions{Max: max, Preface: preface.String()}); err != nil {
			t.Fatal(err)
		}
		if b.Len() > max {
			t.Errorf("max %d: got %d characters", max, b.Len())
		}
		if !strings.Contains(b.String(), "cut to fit a comment") {
			t.Errorf("max %d: the comment does not say what was cut:\n%s", max, b.String())
		}
		if !strings.HasPrefix(b.String(), "### milvus-rbac plan") {
			t.Errorf("max %d: summary line lost", max)
		}
	}
}

func TestDiffView(t *testing.T) {
	want := st([]string{"alice:reader"}, []string{"reader:Search@default.*,Load@default.books"}, []string{"g:Query,Search"})
	live := st(append(builtinUsers, "alice:reader,writer", "bob:"), append(builtinRoles, "reader:Search@default.*,Insert@default.*", "writer:"),
		[]string{"g:Query"})
	p, err := Diff(&spec.Spec{Mode: spec.ModeAuthoritative, State: want}, live, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := p.WriteDiff(&b, want, live, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "PW_alice") {
		t.Error("the diff view shows a password reference")
	}
	checkGolden(t, "diff/authoritative.diff", b.String())
}
