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

	"github.com/milvus-rbac/milvus-rbac/markdown/mdtest"
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
			if err := p.WriteMarkdown(&b, MarkdownOptions{SpecName: "access.yaml", Preface: "**Effective access changes**\n\nThe access delta goes here.\n"}); err != nil {
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
			if _, problems := mdtest.CheckComment(out); len(problems) > 0 {
				t.Errorf("the comment does not render as meant:\n%s", strings.Join(problems, "\n"))
			}
			checkGolden(t, filepath.Join("markdown", name+".md"), out)
		})
	}
}

// TestMarkdownBudget cuts a comment to several caps: the summary, the destructive steps, the
// access changes and the full plan are cut in the opposite order of their importance, at a
// line, each cut saying how much and where the whole plan is, and the result still renders
// as meant.
func TestMarkdownBudget(t *testing.T) {
	p := &Plan{Mode: spec.ModeAdopt}
	var preface strings.Builder
	preface.WriteString("**Effective access changes**\n\n")
	for i := 0; i < 50; i++ {
		p.Steps = append(p.Steps, Step{Action: DropUser, User: fmt.Sprintf("user_%02d", i)})
		p.Steps = append(p.Steps, Step{Action: CreateUser, User: fmt.Sprintf("new_%02d", i), Password: &spec.Secret{Env: "PW"}})
		fmt.Fprintf(&preface, "- `user_%02d` loses everything\n", i)
	}
	sortSteps(p.Steps)
	p.Kept = []Kept{{Note: "user ops keeps role admin: it is the user milvus-rbac connects as"}}
	full := func(max int) string {
		var b bytes.Buffer
		if err := p.WriteMarkdown(&b, MarkdownOptions{Max: max, Preface: preface.String(), Whole: "see the job log"}); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	whole := full(0)
	if strings.Contains(whole, "Not shown") {
		t.Fatalf("the uncut comment says something was cut:\n%s", whole)
	}
	cases := []struct {
		max int
		// kept: which parts must be whole; cut: the notes that must say what was cut.
		whole, cut []string
	}{
		{max: len(whole) - 100, whole: []string{"- `-` drop user `user_49`", "- `user_49` loses everything", "Note: user ops keeps role admin"},
			cut: []string{"of the 100 lines of the full plan; see the job log."}},
		{max: 3000, whole: []string{"- `-` drop user `user_49`"},
			cut: []string{"lines of the access changes; see the job log.", "Not shown, to fit a comment: 1 of the 1 notes", "100 of the 100 lines of the full plan"}},
		{max: 1500, cut: []string{"destructive steps listed; see the job log.", "52 of the 52 lines of the access changes"}},
	}
	for _, tc := range cases {
		out := full(tc.max)
		if len(out) > tc.max {
			t.Errorf("max %d: got %d characters", tc.max, len(out))
		}
		if !strings.HasPrefix(out, "### milvus-rbac plan for `the spec file`: 50 to create, 0 to grant, 0 to revoke, 50 to drop\n") {
			t.Errorf("max %d: summary line lost:\n%s", tc.max, out)
		}
		if !strings.Contains(out, "**⚠ 50 destructive step(s)**") {
			t.Errorf("max %d: the count of destructive steps is lost:\n%s", tc.max, out)
		}
		for _, want := range append(tc.whole, tc.cut...) {
			if !strings.Contains(out, want) {
				t.Errorf("max %d: lacks %q:\n%s", tc.max, want, out)
			}
		}
		if _, problems := mdtest.CheckComment(out); len(problems) > 0 {
			t.Errorf("max %d: does not render as meant:\n%s", tc.max, strings.Join(problems, "\n"))
		}
	}
}

// TestMarkdownListsTheFirstDestructiveSteps checks the limit on the destructive list: the first
// MaxDestructiveListed, then how many more, whatever the size.
func TestMarkdownListsTheFirstDestructiveSteps(t *testing.T) {
	p := &Plan{Mode: spec.ModeAuthoritative}
	for i := 0; i < MaxDestructiveListed+30; i++ {
		p.Steps = append(p.Steps, Step{Action: DropRole, Role: fmt.Sprintf("r%03d", i)})
	}
	var b bytes.Buffer
	if err := p.WriteMarkdown(&b, MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	root, problems := mdtest.CheckComment(b.String())
	if len(problems) > 0 {
		t.Fatalf("does not render as meant:\n%s", strings.Join(problems, "\n"))
	}
	lists := root.All("ul")
	if len(lists) != 1 || len(lists[0].All("li")) != MaxDestructiveListed {
		t.Errorf("want one list of %d destructive steps:\n%s", MaxDestructiveListed, b.String())
	}
	if !strings.Contains(b.String(), fmt.Sprintf("And 30 more destructive step(s), past the first %d; %s.", MaxDestructiveListed, WholePlan)) {
		t.Errorf("the comment does not say how many more:\n%s", b.String())
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

// TestStepCount: the full plan's summary says "1 step", not "1 steps".
func TestStepCount(t *testing.T) {
	for n, want := range map[int]string{1: "1 step", 2: "2 steps", 15: "15 steps"} {
		if got := stepCount(n); got != want {
			t.Errorf("stepCount(%d) = %q, want %q", n, got, want)
		}
	}
}
