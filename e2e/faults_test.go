package e2e

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/plan"
)

// TestFaultScenario checks the scenario the fault tests run: at least 40 steps of every kind,
// and no step that takes away anything the file keeps. That is what makes "nothing the file
// keeps is lost at any point" hold during a run and not only at its end: the only calls a run
// makes are its steps, and none of them touches a kept user, membership, grant or member.
func TestFaultScenario(t *testing.T) {
	if live() {
		t.Skip("uses the emulator's fault injection")
	}
	c := newCluster(t, faultOptions)
	seedFaultCluster(t, c)
	sp, before, p := planAgainst(t, c, writeFile(t, "access.yaml", faultSpec))
	if len(p.Steps) < 40 {
		t.Fatalf("%d steps, want at least 40", len(p.Steps))
	}
	actions := map[plan.Action]int{}
	for _, s := range p.Steps {
		actions[s.Action]++
	}
	for _, a := range []plan.Action{plan.CreatePrivilegeGroup, plan.AddPrivilegesToGroup, plan.CreateRole,
		plan.GrantPrivilege, plan.CreateUser, plan.GrantRole, plan.RevokeRole, plan.RevokePrivilege,
		plan.RemovePrivilegesFromGroup, plan.DropUser, plan.DropRole, plan.DropPrivilegeGroup} {
		if actions[a] == 0 {
			t.Errorf("no %s step", a)
		}
	}
	keep := map[string]bool{}
	for _, k := range kept(sp, before) {
		keep[k] = true
	}
	for _, s := range p.Steps {
		var takes string
		switch s.Action {
		case plan.DropUser:
			takes = "user " + s.User
		case plan.RevokeRole:
			takes = fmt.Sprintf("user %s role %s", s.User, s.Role)
		case plan.DropRole:
			takes = "role " + s.Role
		case plan.RevokePrivilege:
			takes = fmt.Sprintf("role %s grant %s on %s.%s", s.Role, s.Grant.Privilege, s.Grant.Database, s.Grant.Object)
			if len(s.Keep) > 0 {
				t.Errorf("%s: a revoke that re-grants makes two calls; the scenario wants one per step", s.Description())
			}
		case plan.DropPrivilegeGroup:
			takes = "group " + s.Group
		case plan.RemovePrivilegesFromGroup:
			for _, priv := range s.Privileges {
				if keep[fmt.Sprintf("group %s privilege %s", s.Group, priv)] {
					t.Errorf("%s takes away what the file keeps", s.Description())
				}
			}
		}
		if keep[takes] {
			t.Errorf("%s takes away %s, which the file keeps", s.Description(), takes)
		}
	}
	t.Logf("scenario: %d steps %v", len(p.Steps), actions)
}

// faultFigures add up what the fault runs saw, for the log.
type faultFigures struct {
	mu              sync.Mutex
	runs, calls     int
	baseline        int // calls the same runs make without faults
	injected        map[string]int
	failed, skipped int
}

func (f *faultFigures) add(calls, baseline int, injected map[string]int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.runs++
	f.calls += calls
	f.baseline += baseline
	if f.injected == nil {
		f.injected = map[string]int{}
	}
	for k, v := range injected {
		f.injected[k] += v
	}
}

func (f *faultFigures) total() int {
	n := 0
	for _, v := range f.injected {
		n += v
	}
	return n
}

// TestApplyConvergesUnderRandomFaults: with 10% of all calls failing (503, 429, 408, a
// connection dropped before the server acts, and one dropped after it acted), one apply with
// the default retries converges: exit 0, the cluster matches, a new plan is empty, and every
// created user has the password from the file.
func TestApplyConvergesUnderRandomFaults(t *testing.T) {
	if live() {
		t.Skip("uses the emulator's fault injection")
	}
	var figs faultFigures
	t.Run("seeds", func(t *testing.T) {
		for seed := int64(1); seed <= 6; seed++ {
			t.Run(fmt.Sprint(seed), func(t *testing.T) {
				t.Parallel()
				file := writeFile(t, "access.yaml", faultSpec)

				// The same run without faults, for the number of calls it needs.
				clean := newCluster(t, faultOptions)
				seedFaultCluster(t, clean)
				clean.Emu.ResetCalls()
				expect(t, clean.run(t, faultEnv, "apply", "-f", file, "--auto-approve"), 0, "The cluster matches")
				baseline := clean.Emu.TotalCalls()

				c := newCluster(t, faultOptions)
				seedFaultCluster(t, c)
				_, _, p := planAgainst(t, c, file)
				faults := emulator.Faults{Seed: seed, Rate: 0.1}
				c.Emu.ResetCalls()
				c.Emu.SetFaults(faults)
				r := c.run(t, faultEnv, "apply", "-f", file, "--auto-approve")
				injected, calls := c.Emu.Faults(), c.Emu.TotalCalls()
				expect(t, r, 0, fmt.Sprintf("Apply: %d done, 0 failed, 0 skipped.", len(p.Steps)), "The cluster matches")
				if len(injected) == 0 {
					t.Error("no fault was injected")
				}

				c.Emu.SetFaults(emulator.Faults{})
				if _, _, again := planAgainst(t, c, file); !again.Empty() {
					t.Errorf("a new plan has %d steps: %v", len(again.Steps), descriptions(again))
				}
				for _, u := range []string{"u_new1", "u_new2", "u_new3", "u_new4", "u_new5"} {
					if !c.Emu.CheckPassword(u, faultPW) {
						t.Errorf("user %s does not have the file's password", u)
					}
				}
				figs.add(calls, baseline, injected)
				t.Logf("seed %d: %d steps, %d calls (%d without faults), faults injected %v", seed, len(p.Steps), calls, baseline, injected)
			})
		}
	})
	t.Logf("random faults: %d runs, %d calls, %d failed on purpose %v and retried; %d calls more than the same runs without faults",
		figs.runs, figs.calls, figs.total(), figs.injected, figs.calls-figs.baseline)
}

// TestApplySettlesAmbiguousCalls: every call acts on the server and then loses its answer,
// once. Each retry of a create then answers "already exists" (and of roles/drop "not found"),
// which the client settles by looking: one list call per create and per role drop, and the run
// converges without a failed step.
func TestApplySettlesAmbiguousCalls(t *testing.T) {
	if live() {
		t.Skip("uses the emulator's fault injection")
	}
	file := writeFile(t, "access.yaml", faultSpec)
	clean := newCluster(t, faultOptions)
	seedFaultCluster(t, clean)
	clean.Emu.ResetCalls()
	expect(t, clean.run(t, faultEnv, "apply", "-f", file, "--auto-approve"), 0, "The cluster matches")

	c := newCluster(t, faultOptions)
	seedFaultCluster(t, c)
	_, _, p := planAgainst(t, c, file)
	c.Emu.ResetCalls()
	c.Emu.SetFaults(emulator.Faults{Rate: 1, Kinds: []string{emulator.FaultDropAfter}, FirstOnly: true})
	r := c.run(t, faultEnv, "apply", "-f", file, "--auto-approve")
	expect(t, r, 0, fmt.Sprintf("Apply: %d done, 0 failed, 0 skipped.", len(p.Steps)), "The cluster matches")
	injected, got, total := c.Emu.Faults(), c.Emu.Calls(), c.Emu.TotalCalls()
	c.Emu.SetFaults(emulator.Faults{})
	if _, _, again := planAgainst(t, c, file); !again.Empty() {
		t.Errorf("a new plan has %d steps: %v", len(again.Steps), descriptions(again))
	}
	for _, u := range []string{"u_new1", "u_new2", "u_new3", "u_new4", "u_new5"} {
		if !c.Emu.CheckPassword(u, faultPW) {
			t.Errorf("user %s does not have the file's password", u)
		}
	}

	// Each list is asked once more for its own dropped first attempt, and once per settled call.
	settles := map[string]int{}
	for _, s := range p.Steps {
		switch s.Action {
		case plan.CreateUser:
			settles["users/list"]++
		case plan.CreateRole, plan.DropRole:
			settles["roles/list"]++
		case plan.CreatePrivilegeGroup:
			settles["privilege_groups/list"]++
		}
	}
	want := clean.Emu.Calls()
	for list, n := range settles {
		if extra := got[list] - want[list]; extra != 1+n {
			t.Errorf("%s: %d calls more than without faults, want 1 retry and %d to settle", list, extra, n)
		}
	}
	t.Logf("every call dropped once after acting: %d calls dropped %v, %d calls in all (%d without faults), settled by looking: %v",
		injected[emulator.FaultDropAfter], injected, total, clean.Emu.TotalCalls(), settles)
}

// TestApplyFailingAtEveryStep fails the N-th mutation of the 42-step scenario, for every N.
// Each run must exit 1 and report exactly one failed step, the N-th, with the steps that
// depend on it skipped and the rest done, and that report must be the truth: the calls made
// are the done steps and the failed one, a new plan holds nothing reported done, and nothing
// the file keeps is gone. The next run converges.
//
// The emulator fails the N-th mutation persistently (its retries too), so the client's
// retries cannot hide it. Most runs pass --retries 0, which keeps them fast and makes the
// N-th call exactly the N-th step; a few run with the default retries, to show that a
// persistent failure ends after 1 + 3 attempts in the same report.
func TestApplyFailingAtEveryStep(t *testing.T) {
	if live() {
		t.Skip("uses the emulator's fault injection")
	}
	base := newCluster(t, faultOptions)
	seedFaultCluster(t, base)
	_, _, p := planAgainst(t, base, writeFile(t, "access.yaml", faultSpec))
	steps := descriptions(p)
	var figs faultFigures
	t.Run("N", func(t *testing.T) {
		for n := 1; n <= len(steps); n++ {
			t.Run(fmt.Sprintf("%02d", n), func(t *testing.T) {
				t.Parallel()
				failAt(t, n, steps, 0, &figs)
			})
		}
		for _, n := range []int{1, len(steps) / 2, len(steps)} {
			t.Run(fmt.Sprintf("%02d-with-retries", n), func(t *testing.T) {
				t.Parallel()
				failAt(t, n, steps, 3, &figs)
			})
		}
	})
	t.Logf("failing at every step: %d runs, %d failed steps, %d skipped steps, %d calls failed on purpose %v",
		figs.runs, figs.failed, figs.skipped, figs.total(), figs.injected)
}

// failAt runs the scenario with the n-th mutation failing and checks the report and the
// cluster, then converges.
func failAt(t *testing.T, n int, steps []string, retries int, figs *faultFigures) {
	c := newCluster(t, faultOptions)
	seedFaultCluster(t, c)
	file := writeFile(t, "access.yaml", faultSpec)
	sp, before, p := planAgainst(t, c, file)
	if got := descriptions(p); !slices.Equal(got, steps) {
		t.Fatalf("the plan differs from the scenario's:\n%v", got)
	}

	faults := emulator.Faults{FailNthMutation: n}
	c.Emu.ResetCalls()
	c.Emu.SetFaults(faults)
	r := c.run(t, faultEnv, "apply", "-f", file, "--auto-approve", "--concurrency", "1", "--retries", fmt.Sprint(retries))
	injected, calls := c.Emu.Faults(), c.Emu.Calls()
	expect(t, r, 1)

	out := outcomes(t, r.Stderr, steps)
	var done, failed, skipped []string
	for _, d := range steps {
		switch out[d] {
		case "done":
			done = append(done, d)
		case "failed":
			failed = append(failed, d)
		case "skipped":
			skipped = append(skipped, d)
		}
	}
	if len(failed) != 1 || failed[0] != steps[n-1] {
		t.Fatalf("failed %q, want exactly step %d %q\n%s", failed, n, steps[n-1], r)
	}
	for _, d := range steps[:n-1] {
		if out[d] != "done" {
			t.Errorf("step %q before the failure: %s", d, out[d])
		}
	}
	if want := fmt.Sprintf("Apply: %d done, 1 failed, %d skipped.", len(done), len(skipped)); !strings.Contains(r.Stdout, want) {
		t.Errorf("stdout lacks %q\n%s", want, r)
	}
	for _, d := range skipped {
		if !strings.Contains(r.Stdout, "  skipped: "+d+" (") {
			t.Errorf("stdout does not list the skipped step %q", d)
		}
	}
	if got, want := injected[emulator.FaultNthMutation], retries+1; got != want {
		t.Errorf("the failing step was tried %d times, want %d", got, want)
	}
	if got, want := mutationCalls(calls), len(done)+retries+1; got != want {
		t.Errorf("%d mutation calls, want one per done step and %d for the failed one: %v", got, retries+1, calls)
	}

	// What the report says is what happened.
	c.Emu.SetFaults(emulator.Faults{})
	_, after, pending := planAgainst(t, c, file)
	if lost := missing(sp, before, after); len(lost) > 0 {
		t.Errorf("the failed run took away what the file keeps: %v", lost)
	}
	notDone := append(append([]string{}, failed...), skipped...)
	for _, d := range descriptions(pending) {
		if !slices.Contains(notDone, d) {
			t.Errorf("step %q is still to do but was reported done", d)
		}
	}
	for _, d := range skipped {
		if !slices.Contains(descriptions(pending), d) {
			t.Errorf("step %q was reported skipped but its effect is there", d)
		}
	}

	// The next run converges, and still nothing kept was lost.
	expect(t, c.run(t, faultEnv, "apply", "-f", file, "--auto-approve"), 0, "The cluster matches")
	_, final, again := planAgainst(t, c, file)
	if !again.Empty() {
		t.Errorf("after the second run a plan has %d steps: %v", len(again.Steps), descriptions(again))
	}
	if lost := missing(sp, before, final); len(lost) > 0 {
		t.Errorf("the second run took away what the file keeps: %v", lost)
	}
	figs.add(0, 0, injected)
	figs.mu.Lock()
	figs.failed++
	figs.skipped += len(skipped)
	figs.mu.Unlock()
}
