package plan

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/milvus-rbac/milvus-rbac/spec"
)

// whats lists the differences of p as "kind what".
func whats(p *Plan) []string {
	out := []string{}
	for _, d := range p.Differences() {
		out = append(out, d.Kind.String()+" "+d.What)
	}
	return out
}

// TestDriftDoesNotDependOnTheConnectingUser plans each case as root and as the user the file
// strips of something: the plans differ (the connecting user is never stripped), the drift
// does not, and what the plan as that user leaves is marked with why and what to do.
func TestDriftDoesNotDependOnTheConnectingUser(t *testing.T) {
	cases := map[string]struct {
		mode       spec.Mode
		want, live *spec.State
		mismatch   map[string]bool
		notFixed   int
	}{
		"the connecting user loses a role": {
			want:     st([]string{"oncall:reader"}, []string{"reader:Search@default.*"}, nil),
			live:     st(append(builtinUsers, "oncall:reader,platform_admin"), append(builtinRoles, "reader:Search@default.*", "platform_admin:Insert@*.*"), nil),
			notFixed: 1,
		},
		"the connecting user and its role are unlisted, authoritative": {
			mode:     spec.ModeAuthoritative,
			want:     st(nil, nil, nil),
			live:     st(append(builtinUsers, "oncall:ops"), append(builtinRoles, "ops:Insert@*.*,Query@sales.orders"), nil),
			notFixed: 4, // the user, the role, its two grants
		},
		"the connecting user's password does not log in": {
			want:     st([]string{"oncall:"}, nil, nil),
			live:     st(append(builtinUsers, "oncall:"), builtinRoles, nil),
			mismatch: map[string]bool{"oncall": true},
			notFixed: 1,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			mode := tc.mode
			if mode == "" {
				mode = spec.ModeAdopt
			}
			s := &spec.Spec{Mode: mode, State: tc.want}
			asRoot, err := Diff(s, tc.live, Options{ConnectedUser: spec.RootUser, PasswordMismatch: tc.mismatch})
			if err != nil {
				t.Fatal(err)
			}
			asUser, err := Diff(s, tc.live, Options{ConnectedUser: "oncall", PasswordMismatch: tc.mismatch})
			if err != nil {
				t.Fatal(err)
			}
			if len(asUser.Steps) >= len(asRoot.Steps) {
				t.Errorf("the plan as oncall has %d steps, as root %d: it should refuse some", len(asUser.Steps), len(asRoot.Steps))
			}
			rootDiffs, userDiffs := whats(asRoot), whats(asUser)
			if len(rootDiffs) == 0 {
				t.Fatal("no drift as root")
			}
			if d := cmp.Diff(slices.Sorted(slices.Values(rootDiffs)), slices.Sorted(slices.Values(userDiffs))); d != "" {
				t.Errorf("drift depends on the connecting user (-root +oncall):\n%s", d)
			}
			n := 0
			for _, d := range asUser.Differences() {
				if d.NotFixed != "" {
					n++
					if !strings.Contains(d.NotFixed, "user oncall") || !strings.Contains(d.NotFixed, "run drift and apply as another user, or change the file") {
						t.Errorf("not-fixed note lacks who and what to do: %q", d.NotFixed)
					}
				}
			}
			if n != tc.notFixed {
				t.Errorf("%d differences marked not fixed, want %d", n, tc.notFixed)
			}
			var b bytes.Buffer
			if err := asUser.WriteDrift(&b, TextOptions{}); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(b.String(), "No drift") || strings.Contains(b.String(), "! ") {
				t.Errorf("drift as oncall says no drift, or repeats a difference as a note:\n%s", b.String())
			}
			// A report over targets renders each target's drift document: the same lines,
			// with why each difference is not fixed.
			var doc bytes.Buffer
			if err := NewDocument(asUser, Meta{}, true).WriteDrift(&doc, TextOptions{}); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(b.String(), doc.String()); d != "" {
				t.Errorf("the drift document renders otherwise than drift (-drift +document):\n%s", d)
			}
		})
	}
}

// TestAdditiveListsWhatItLeaves checks that additive mode plans no revoke but lists each one
// that adopt would make, and that drift does not count them.
func TestAdditiveListsWhatItLeaves(t *testing.T) {
	want := st([]string{"alice:reader"}, []string{"reader:Search@default.*"}, []string{"g:Query"})
	live := st(append(builtinUsers, "alice:reader,writer"), append(builtinRoles, "reader:Search@default.*,Delete@default.*", "writer:"),
		[]string{"g:Query,Search"})
	adopt, err := Diff(&spec.Spec{Mode: spec.ModeAdopt, State: want}, live, Options{})
	if err != nil {
		t.Fatal(err)
	}
	additive, err := Diff(&spec.Spec{Mode: spec.ModeAdditive, State: want}, live, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !additive.Empty() {
		t.Errorf("additive plan has steps: %v", describe(additive))
	}
	if d := cmp.Diff(describe(adopt), describe(&Plan{Steps: additive.Skipped})); d != "" {
		t.Errorf("skipped in additive mode differs from what adopt does (-adopt +skipped):\n%s", d)
	}
	if len(additive.Differences()) != 0 {
		t.Errorf("skipped steps count as drift: %v", whats(additive))
	}
	var b bytes.Buffer
	if err := additive.WriteText(&b, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, s := range adopt.Steps {
		if !strings.Contains(b.String(), "  skipped: "+s.Description()+"\n") {
			t.Errorf("the additive plan does not list %q:\n%s", s.Description(), b.String())
		}
	}
}

// TestFileOnlyFieldsAreNoChange checks that previous_password, which only the file holds,
// never looks like a change in the diff view, while a real password change is shown.
func TestFileOnlyFieldsAreNoChange(t *testing.T) {
	want := st([]string{"alice:reader", "bob:"}, []string{"reader:Search@default.*"}, nil)
	for _, u := range want.Users {
		u.PreviousPassword = &spec.Secret{Env: "OLDPW_" + u.Name}
	}
	live := st(append(builtinUsers, "alice:", "bob:"), append(builtinRoles, "reader:Search@default.*"), nil)
	p, err := Diff(&spec.Spec{Mode: spec.ModeAdopt, State: want}, live, Options{PasswordMismatch: map[string]bool{"bob": true}})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := p.WriteDiff(&b, want, live, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"previous_password", "OLDPW", "PW_alice", "PW_bob"} {
		if strings.Contains(out, bad) {
			t.Errorf("the diff view shows %q:\n%s", bad, out)
		}
	}
	for _, good := range []string{"+roles: [reader]", "--- live/user/bob", "# the password changes (sensitive, not shown)"} {
		if !strings.Contains(out, good) {
			t.Errorf("the diff view lacks %q:\n%s", good, out)
		}
	}
}
