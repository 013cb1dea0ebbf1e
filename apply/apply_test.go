package apply

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/milvus-rbac/milvus-rbac/plan"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// fakeCluster records calls and fails those named in fail.
type fakeCluster struct {
	mu    sync.Mutex
	calls []string
	fail  map[string]bool
	hook  func(call string)
}

func (f *fakeCluster) call(format string, args ...any) error {
	c := fmt.Sprintf(format, args...)
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
	if f.hook != nil {
		f.hook(c)
	}
	if f.fail[c] {
		return errors.New("code 65535: boom")
	}
	return nil
}

func (f *fakeCluster) CreateUser(_ context.Context, n, pw string) error {
	return f.call("create_user %s %s", n, pw)
}
func (f *fakeCluster) DropUser(_ context.Context, n string) error { return f.call("drop_user %s", n) }

// describedCluster is a fakeCluster that keeps descriptions (Milvus 2.6.19 and later).
type describedCluster struct{ fakeCluster }

func (f *describedCluster) CreateUserDescribed(_ context.Context, n, pw, d string) error {
	return f.call("create_user %s %s %q", n, pw, d)
}
func (f *describedCluster) CreateRoleDescribed(_ context.Context, n, d string) error {
	return f.call("create_role %s %q", n, d)
}
func (f *describedCluster) AlterRole(_ context.Context, n, d string) error {
	return f.call("alter_role %s %q", n, d)
}
func (f *describedCluster) UpdateUserDescription(_ context.Context, n, d string) error {
	return f.call("update_user_description %s %q", n, d)
}
func (f *fakeCluster) UpdatePassword(_ context.Context, n, old, pw string) error {
	return f.call("update_password %s %s %s", n, old, pw)
}
func (f *fakeCluster) GrantRole(_ context.Context, u, r string) error {
	return f.call("grant_role %s %s", u, r)
}
func (f *fakeCluster) RevokeRole(_ context.Context, u, r string) error {
	return f.call("revoke_role %s %s", u, r)
}
func (f *fakeCluster) CreateRole(_ context.Context, n string) error {
	return f.call("create_role %s", n)
}
func (f *fakeCluster) DropRole(_ context.Context, n string) error { return f.call("drop_role %s", n) }
func (f *fakeCluster) GrantPrivilege(_ context.Context, r string, g spec.Grant) error {
	return f.call("grant_privilege %s %s", r, g)
}
func (f *fakeCluster) RevokePrivilege(_ context.Context, r string, g spec.Grant) error {
	return f.call("revoke_privilege %s %s", r, g)
}
func (f *fakeCluster) CreatePrivilegeGroup(_ context.Context, n string) error {
	return f.call("create_privilege_group %s", n)
}
func (f *fakeCluster) DropPrivilegeGroup(_ context.Context, n string) error {
	return f.call("drop_privilege_group %s", n)
}
func (f *fakeCluster) AddPrivilegesToGroup(_ context.Context, n string, p []string) error {
	return f.call("add_privileges_to_group %s %v", n, p)
}
func (f *fakeCluster) RemovePrivilegesFromGroup(_ context.Context, n string, p []string) error {
	return f.call("remove_privileges_from_group %s %v", n, p)
}

var _ Cluster = (*fakeCluster)(nil)

func grant(p, db, obj string) *spec.Grant { g := spec.NewGrant(p, db, obj); return &g }

// testPlan covers every action with dependencies between them.
func testPlan() *plan.Plan {
	return &plan.Plan{Steps: []plan.Step{
		{Action: plan.CreatePrivilegeGroup, Group: "g"},
		{Action: plan.AddPrivilegesToGroup, Group: "g", Privileges: []string{"Query"}},
		{Action: plan.CreateRole, Role: "reader"},
		{Action: plan.CreateRole, Role: "writer"},
		{Action: plan.GrantPrivilege, Role: "reader", Grant: grant("g", "default", "*")},
		{Action: plan.GrantPrivilege, Role: "writer", Grant: grant("Insert", "default", "*")},
		{Action: plan.CreateUser, User: "alice"},
		{Action: plan.GrantRole, User: "alice", Role: "reader"},
		{Action: plan.GrantRole, User: "bob", Role: "writer"},
		{Action: plan.RevokeRole, User: "bob", Role: "old"},
		{Action: plan.RevokePrivilege, Role: "old", Grant: grant("Delete", "*", "*")},
		{Action: plan.RevokePrivilege, Role: "old", Grant: grant("h", "default", "*")},
		{Action: plan.DropUser, User: "carol"},
		{Action: plan.DropRole, Role: "old"},
		{Action: plan.DropPrivilegeGroup, Group: "h"},
	}}
}

func outcomes(r *Report) []string {
	var out []string
	for _, res := range r.Results {
		out = append(out, string(res.Outcome)+" "+res.Step.Description())
	}
	return out
}

func TestRunAllDone(t *testing.T) {
	f := &fakeCluster{}
	var progress bytes.Buffer
	r := Run(context.Background(), f, testPlan(), Options{Passwords: map[string]string{"alice": "s3cret-Pw"}, Progress: &progress})
	if err := r.Err(); err != nil {
		t.Fatalf("Err = %v", err)
	}
	if got := r.Count(Done); got != 15 {
		t.Errorf("done = %d, want 15", got)
	}
	if len(f.calls) != 15 {
		t.Errorf("calls = %d, want 15: %v", len(f.calls), f.calls)
	}
	if !strings.Contains(progress.String(), "[15/15] ") || strings.Contains(progress.String(), "s3cret") {
		t.Errorf("progress:\n%s", progress.String())
	}
}

func TestRunSkipsWhatDependsOnAFailure(t *testing.T) {
	cases := map[string]struct {
		fail    string
		skipped []string
	}{
		"failed role creation skips its grants, its users' role changes and the drop of the role they keep": {
			fail: "create_role writer",
			skipped: []string{
				"grant Insert on default.* to role writer",
				"grant role writer to user bob",
				"revoke role old from user bob",
				"revoke Delete on *.* from role old",
				"revoke h on default.* from role old",
				"drop role old",
				"drop privilege group h",
			},
		},
		"failed group creation skips filling and granting it": {
			fail: "create_privilege_group g",
			skipped: []string{
				"add Query to privilege group g",
				"grant g on default.* to role reader",
			},
		},
		"failed revoke keeps the role and the group": {
			fail:    "revoke_privilege old h on default.*",
			skipped: []string{"drop role old", "drop privilege group h"},
		},
		"failed user creation skips its role grants": {
			fail:    "create_user alice pw-Alice-1",
			skipped: []string{"grant role reader to user alice"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := &fakeCluster{fail: map[string]bool{tc.fail: true}}
			r := Run(context.Background(), f, testPlan(), Options{Passwords: map[string]string{"alice": "pw-Alice-1"}})
			var skipped []string
			for _, res := range r.Results {
				if res.Outcome == Skipped {
					skipped = append(skipped, res.Step.Description())
				}
			}
			if d := cmp.Diff(tc.skipped, skipped); d != "" {
				t.Errorf("skipped (-want +got):\n%s", d)
			}
			if r.Count(Failed) != 1 {
				t.Errorf("failed = %d, want 1", r.Count(Failed))
			}
			if got := len(f.calls); got != 15-len(tc.skipped) {
				t.Errorf("calls = %d, want %d", got, 15-len(tc.skipped))
			}
			if err := r.Err(); err == nil || !strings.Contains(err.Error(), "boom") {
				t.Errorf("Err = %v, want the server's message", err)
			}
		})
	}
}

func TestRunRegrantsKeptCompanions(t *testing.T) {
	f := &fakeCluster{}
	p := &plan.Plan{Steps: []plan.Step{{Action: plan.RevokePrivilege, Role: "r", Grant: grant("Load", "default", "c"), Keep: []string{"GetLoadState"}}}}
	r := Run(context.Background(), f, p, Options{})
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	want := []string{"revoke_privilege r Load on default.c", "grant_privilege r GetLoadState on default.c"}
	if d := cmp.Diff(want, f.calls); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}

func TestRunStopsAfterInterrupt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f := &fakeCluster{hook: func(c string) {
		if c == "create_role writer" {
			cancel()
		}
	}}
	r := Run(ctx, f, testPlan(), Options{Concurrency: 1, Passwords: map[string]string{"alice": "x"}})
	if got := r.Count(Done); got != 4 {
		t.Errorf("done = %d, want 4 (the step in flight completes): %v", got, outcomes(r))
	}
	if r.Results[4].Reason != "interrupted" {
		t.Errorf("step 5 reason = %q, want interrupted", r.Results[4].Reason)
	}
	if r.Err() == nil {
		t.Error("Err = nil after an interrupt")
	}
}

// TestProgressAfterInterruptCountsOnlyReportedSteps: the steps an interrupt keeps from starting
// are listed after the run, not numbered, so a step in flight that finishes after them takes
// the next number instead of jumping past them ([2/4], not [4/4]).
func TestProgressAfterInterruptCountsOnlyReportedSteps(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	f := &fakeCluster{hook: func(c string) {
		switch c {
		case "create_role r1":
			cancel()
		case "create_role r2":
			<-ctx.Done()
			time.Sleep(100 * time.Millisecond) // r3 and r4 are found interrupted meanwhile
		}
	}}
	p := &plan.Plan{}
	for _, r := range []string{"r1", "r2", "r3", "r4"} {
		p.Steps = append(p.Steps, plan.Step{Action: plan.CreateRole, Role: r})
	}
	var progress bytes.Buffer
	r := Run(ctx, f, p, Options{Concurrency: 2, Progress: &progress})
	if got := r.Count(Done); got != 2 {
		t.Fatalf("done = %d, want 2: %v", got, outcomes(r))
	}
	want := "[1/4] create role r1\n[2/4] create role r2\n"
	if got := progress.String(); got != want {
		t.Errorf("progress:\n%s\nwant:\n%s", got, want)
	}
}

func TestRunMissingPassword(t *testing.T) {
	f := &fakeCluster{}
	p := &plan.Plan{Steps: []plan.Step{{Action: plan.CreateUser, User: "alice"}, {Action: plan.GrantRole, User: "alice", Role: "r"}}}
	r := Run(context.Background(), f, p, Options{})
	if !errors.Is(r.Results[0].Err, ErrMissingPassword) || r.Results[1].Outcome != Skipped || len(f.calls) != 0 {
		t.Errorf("results %v, calls %v", outcomes(r), f.calls)
	}
}

// resolvingCluster answers creates with "already exists" and drops with "not found", as a
// cluster does when another run made the same changes first.
type resolvingCluster struct {
	fakeCluster
	passwordOK bool
}

var errExists = errors.New("code 65535: role already exists")
var errGone = errors.New("code 65535: not found the role")

func (r *resolvingCluster) CreateRole(_ context.Context, n string) error {
	r.call("create_role %s", n)
	return errExists
}
func (r *resolvingCluster) CreateUser(_ context.Context, n, pw string) error {
	r.call("create_user %s", n)
	return errExists
}
func (r *resolvingCluster) DropRole(_ context.Context, n string) error {
	r.call("drop_role %s", n)
	return errGone
}
func (r *resolvingCluster) AlreadyExists(err error) bool { return err == errExists }
func (r *resolvingCluster) NotFound(err error) bool      { return err == errGone }
func (r *resolvingCluster) CheckPassword(_ context.Context, user, pw string) (bool, error) {
	return r.passwordOK && pw == "pw-"+user, nil
}

var _ Resolver = (*resolvingCluster)(nil)

func TestRunResolvesWhatAnotherRunDid(t *testing.T) {
	p := &plan.Plan{Steps: []plan.Step{
		{Action: plan.CreateRole, Role: "r"},
		{Action: plan.CreateUser, User: "u"},
		{Action: plan.GrantRole, User: "u", Role: "r"},
		{Action: plan.DropRole, Role: "old"},
	}}
	pw := map[string]string{"u": "pw-u"}

	r := Run(context.Background(), &resolvingCluster{passwordOK: true}, p, Options{Passwords: pw})
	if r.Err() != nil || r.Count(Done) != 4 {
		t.Fatalf("outcomes %v, err %v", outcomes(r), r.Err())
	}
	for i, want := range []string{"it exists already", "with the file's password", "", "the role is gone already"} {
		if !strings.Contains(r.Results[i].Note, want) || (want == "" && r.Results[i].Note != "") {
			t.Errorf("step %d note %q, want %q", i, r.Results[i].Note, want)
		}
	}

	// A user that exists with another password is a failure, and its grants are skipped.
	r = Run(context.Background(), &resolvingCluster{passwordOK: false}, p, Options{Passwords: pw})
	if r.Results[1].Outcome != Failed || r.Results[2].Outcome != Skipped {
		t.Errorf("outcomes %v", outcomes(r))
	}

	// Without a Resolver the answers stand as failures.
	f := &fakeCluster{fail: map[string]bool{"create_role r": true}}
	r = Run(context.Background(), f, p, Options{Passwords: pw})
	if r.Results[0].Outcome != Failed {
		t.Errorf("outcomes %v", outcomes(r))
	}
}

func TestRunPasswordSteps(t *testing.T) {
	p := &plan.Plan{Steps: []plan.Step{
		{Action: plan.UpdatePassword, User: "a"},
		{Action: plan.UpdatePassword, User: "b", Blocked: "no previous_password"},
		{Action: plan.GrantRole, User: "b", Role: "r"},
	}}
	f := &fakeCluster{}
	r := Run(context.Background(), f, p, Options{Passwords: map[string]string{"a": "new-A", "b": "new-B"}, PreviousPasswords: map[string]string{"a": "old-A"}})
	want := []string{"done change the password of user a to (sensitive)",
		"blocked change the password of user b to (sensitive) [blocked: no previous_password]",
		"done grant role r to user b"}
	if d := cmp.Diff(want, outcomes(r)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"update_password a old-A new-A", "grant_role b r"}, f.calls); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	if err := r.Err(); err == nil || !strings.Contains(err.Error(), "1 blocked") {
		t.Errorf("Err = %v, want it to count the blocked step", err)
	}
}

func TestRunNeverStrandsAUserWhoseMoveFailed(t *testing.T) {
	// bob moves from role old (dropped) to role new; new gets its grant first.
	p := &plan.Plan{Steps: []plan.Step{
		{Action: plan.CreateRole, Role: "new"},
		{Action: plan.GrantPrivilege, Role: "new", Grant: grant("Search", "default", "*")},
		{Action: plan.GrantRole, User: "bob", Role: "new"},
		{Action: plan.RevokeRole, User: "bob", Role: "old"},
		{Action: plan.RevokePrivilege, Role: "old", Grant: grant("Query", "default", "*")},
		{Action: plan.DropRole, Role: "old"},
	}}
	for name, tc := range map[string]struct {
		fail    string
		skipped []string
	}{
		"granting the new role fails": {
			fail:    "grant_role bob new",
			skipped: []string{"revoke role old from user bob", "revoke Query on default.* from role old", "drop role old"},
		},
		"the new role misses a grant": {
			fail:    "grant_privilege new Search on default.*",
			skipped: []string{"revoke role old from user bob", "revoke Query on default.* from role old", "drop role old"},
		},
		"revoking the old role fails": {
			fail:    "revoke_role bob old",
			skipped: []string{"revoke Query on default.* from role old", "drop role old"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := &fakeCluster{fail: map[string]bool{tc.fail: true}}
			r := Run(context.Background(), f, p, Options{})
			var skipped []string
			for _, res := range r.Results {
				if res.Outcome == Skipped {
					skipped = append(skipped, res.Step.Description())
				}
			}
			if d := cmp.Diff(tc.skipped, skipped); d != "" {
				t.Errorf("skipped (-want +got):\n%s", d)
			}
		})
	}
}

func TestBlockedPasswordDoesNotHoldBackRoleChanges(t *testing.T) {
	p := &plan.Plan{Steps: []plan.Step{
		{Action: plan.UpdatePassword, User: "bob", Blocked: "no previous_password"},
		{Action: plan.RevokeRole, User: "bob", Role: "old"},
	}}
	f := &fakeCluster{}
	r := Run(context.Background(), f, p, Options{})
	if r.Results[1].Outcome != Done {
		t.Errorf("outcomes %v", outcomes(r))
	}
	// A failed password change does not either.
	p.Steps[0].Blocked = ""
	f = &fakeCluster{fail: map[string]bool{"update_password bob old-B new-B": true}}
	r = Run(context.Background(), f, p, Options{Passwords: map[string]string{"bob": "new-B"}, PreviousPasswords: map[string]string{"bob": "old-B"}})
	if r.Results[0].Outcome != Failed || r.Results[1].Outcome != Done {
		t.Errorf("outcomes %v", outcomes(r))
	}
}

// TestEveryActionHasACall fails when an action is added to plan and apply does not carry it
// out.
func TestEveryActionHasACall(t *testing.T) {
	for _, a := range plan.Order {
		s := plan.Step{Action: a, User: "alice", Role: "reader", Group: "g", Grant: grant("Search", "default", "*"), Privileges: []string{"Query"}, NewDescription: "d"}
		o := Options{Passwords: map[string]string{"alice": "pw"}, PreviousPasswords: map[string]string{"alice": "old"}}
		f := &describedCluster{}
		if err := do(context.Background(), f, s, o); err != nil || len(f.calls) == 0 {
			t.Errorf("%s: %v, calls %v", a, err, f.calls)
		}
	}
}
