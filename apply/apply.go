package apply

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/hashicorp/go-multierror"

	"github.com/milvus-rbac/milvus-rbac/plan"
	"github.com/milvus-rbac/milvus-rbac/problem"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// Outcome is what became of one step.
type Outcome string

// Outcomes of a step.
const (
	Done    Outcome = "done"
	Failed  Outcome = "failed"
	Skipped Outcome = "skipped"
	// Blocked: the plan marked the step as unable to run (plan.Step.Blocked); it was not tried.
	Blocked Outcome = "blocked"
)

// Result is the outcome of one step of the plan.
type Result struct {
	Step    plan.Step
	Outcome Outcome
	// Err is the failure of a failed step: the call and the server's code and message.
	Err error
	// Reason says why a step was skipped or blocked.
	Reason string
	// Note says how a done step was resolved when the server refused it but its goal was
	// met anyway ("created meanwhile by another run").
	Note string
}

// Report is the outcome of every step, in plan order.
type Report struct {
	Results []Result
}

// Count returns how many steps had outcome o.
func (r *Report) Count(o Outcome) int {
	n := 0
	for _, res := range r.Results {
		if res.Outcome == o {
			n++
		}
	}
	return n
}

// Err collects every failure, and says how many steps were skipped; nil when all were done.
func (r *Report) Err() error {
	var errs *multierror.Error
	for _, res := range r.Results {
		if res.Outcome == Failed {
			errs = problem.Append(errs, fmt.Errorf("%s: %w", res.Step.Description(), res.Err))
		}
	}
	if errs == nil && r.Count(Skipped)+r.Count(Blocked) > 0 {
		return fmt.Errorf("%d step(s) skipped, %d blocked", r.Count(Skipped), r.Count(Blocked))
	}
	return errs.ErrorOrNil()
}

// Interrupted is the Reason of a step skipped because the run was interrupted (its context
// cancelled) before the step started.
const Interrupted = "interrupted"

// Label is the step's description for a line that gives its outcome and reason beside it: a
// blocked step's description would otherwise carry its reason twice.
func Label(s plan.Step) string {
	s.Blocked = ""
	return s.Description()
}

// Options tune a run.
type Options struct {
	// Concurrency bounds the steps of one phase that run at once (default 16).
	Concurrency int
	// Passwords holds the password of each user a create_user or update_password step sets,
	// by user name.
	Passwords map[string]string
	// PreviousPasswords holds the current password of each user an update_password step
	// changes, by user name.
	PreviousPasswords map[string]string
	// Progress receives one line per finished step ("[12/40] grant role reader to user
	// user_1"); nil for none.
	Progress io.Writer
}

// ErrMissingPassword is returned (wrapped) when a create_user step has no password in
// Options.Passwords.
var ErrMissingPassword = errors.New("no password resolved for the user")

// Run carries out p against c: phase by phase in plan order, the steps of one phase
// concurrently. A failed step does not stop unrelated work, but every later step that depends
// on the object it failed on is skipped, so that a failure never strands a user or role
// half-configured: no grant to a role whose creation failed, no revoke of a user's old role when
// granting the new one failed, no drop of a role whose revokes failed. When ctx is cancelled,
// steps in flight finish and the rest are skipped. The report lists every step.
func Run(ctx context.Context, c Cluster, p *plan.Plan, o Options) *Report {
	if o.Concurrency <= 0 {
		o.Concurrency = 16
	}
	r := &Report{Results: make([]Result, len(p.Steps))}
	for i, s := range p.Steps {
		r.Results[i] = Result{Step: s}
	}
	// Calls are not cancelled with ctx: a step in flight is allowed to finish, so that the
	// report says exactly what was done.
	callCtx := context.WithoutCancel(ctx)
	tainted := map[string]string{} // object key -> description of the step that failed on it
	var mu sync.Mutex
	finished := 0
	progress := func(res Result) {
		if o.Progress == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if res.Outcome == Skipped && res.Reason == Interrupted {
			// Listed once, in the report after the run, and not counted: a step in flight
			// that finishes after the interrupt keeps the next number.
			return
		}
		finished++
		line := fmt.Sprintf("[%d/%d] %s", finished, len(p.Steps), Label(res.Step))
		switch res.Outcome {
		case Failed:
			line += ": FAILED: " + res.Err.Error()
		case Skipped:
			line += ": skipped: " + res.Reason
		case Blocked:
			line += ": blocked: " + res.Reason
		default:
			if res.Note != "" {
				line += " (" + res.Note + ")"
			}
		}
		fmt.Fprintln(o.Progress, line)
	}

	for start := 0; start < len(p.Steps); {
		end := start
		for end < len(p.Steps) && p.Steps[end].Action == p.Steps[start].Action {
			end++
		}
		sem := make(chan struct{}, o.Concurrency)
		var wg sync.WaitGroup
		for i := start; i < end; i++ {
			res := &r.Results[i]
			if res.Step.Blocked != "" {
				res.Outcome, res.Reason = Blocked, res.Step.Blocked
				progress(*res)
				continue
			}
			if ctx.Err() != nil {
				// Checked before the dependencies: after an interrupt every step left is
				// "not started because of the interrupt", listed once.
				res.Outcome, res.Reason = Skipped, Interrupted
				progress(*res)
				continue
			}
			if reason := skipReason(res.Step, tainted); reason != "" {
				res.Outcome, res.Reason = Skipped, reason
				progress(*res)
				continue
			}
			sem <- struct{}{}
			if ctx.Err() != nil {
				<-sem
				res.Outcome, res.Reason = Skipped, Interrupted
				progress(*res)
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				err := do(callCtx, c, res.Step, o)
				if err != nil {
					res.Note = resolve(callCtx, c, res.Step, o, err)
				}
				if err != nil && res.Note == "" {
					res.Outcome, res.Err = Failed, err
				} else {
					res.Outcome = Done
				}
				progress(*res)
			}()
		}
		wg.Wait()
		for i := start; i < end; i++ {
			res := r.Results[i]
			if res.Outcome == Done {
				// A user given a role that lacks some of its planned grants has not got
				// the access the plan gives it: keep its old roles (no revoke_role).
				if res.Step.Action == plan.GrantRole {
					if why, ok := tainted[complete(plan.ObjectRole, res.Step.Role)]; ok {
						taint(tainted, complete(plan.ObjectUser, res.Step.User), why)
					}
				}
				continue
			}
			if res.Outcome == Blocked {
				continue // not tried: nothing depends on it
			}
			for _, k := range taints(res.Step) {
				taint(tainted, k, res.Step.Description())
			}
		}
		start = end
	}
	return r
}

// taint records that key is incomplete because of the step described by why, keeping the first
// cause.
func taint(tainted map[string]string, key, why string) {
	if _, seen := tainted[key]; !seen {
		tainted[key] = why
	}
}

// skipReason says why s cannot run after the failures recorded in tainted, or "".
func skipReason(s plan.Step, tainted map[string]string) string {
	for _, k := range needs(s) {
		if failed, ok := tainted[k]; ok {
			return fmt.Sprintf("it depends on %q, which did not complete", failed)
		}
	}
	return ""
}

// Object keys: "<kind>:<name>" means every change planned for the object completed so far;
// "<kind>+:<name>" means the object exists (its creation, if planned, completed).
func exists(kind plan.ObjectKind, name string) string   { return kind.String() + "+:" + name }
func complete(kind plan.ObjectKind, name string) string { return kind.String() + ":" + name }

// needs lists the object keys a step relies on.
func needs(s plan.Step) []string {
	switch s.Action {
	case plan.AddPrivilegesToGroup:
		return []string{exists(plan.ObjectGroup, s.Group)}
	case plan.GrantPrivilege:
		return []string{exists(plan.ObjectRole, s.Role), exists(plan.ObjectGroup, s.Grant.Privilege)}
	case plan.GrantRole:
		return []string{exists(plan.ObjectUser, s.User), exists(plan.ObjectRole, s.Role)}
	case plan.RevokeRole, plan.DropUser:
		return []string{complete(plan.ObjectUser, s.User)}
	case plan.UpdatePassword, plan.UpdateUserDescription:
		return []string{exists(plan.ObjectUser, s.User)}
	case plan.AlterRole:
		return []string{exists(plan.ObjectRole, s.Role)}
	case plan.RevokePrivilege, plan.DropRole:
		// held: a user the plan failed to move off the role still holds it; taking the
		// role's privileges (or the role) would strand that user.
		return []string{complete(plan.ObjectRole, s.Role), held(s.Role)}
	case plan.RemovePrivilegesFromGroup, plan.DropPrivilegeGroup:
		return []string{complete(plan.ObjectGroup, s.Group)}
	}
	return nil
}

// taints lists the object keys a step leaves incomplete when it fails or is skipped.
func taints(s plan.Step) []string {
	switch s.Action {
	case plan.CreatePrivilegeGroup:
		return []string{exists(plan.ObjectGroup, s.Group), complete(plan.ObjectGroup, s.Group)}
	case plan.AddPrivilegesToGroup, plan.RemovePrivilegesFromGroup, plan.DropPrivilegeGroup:
		return []string{complete(plan.ObjectGroup, s.Group)}
	case plan.CreateRole:
		return []string{exists(plan.ObjectRole, s.Role), complete(plan.ObjectRole, s.Role)}
	case plan.GrantPrivilege, plan.DropRole:
		return []string{complete(plan.ObjectRole, s.Role)}
	case plan.RevokePrivilege:
		// A group still granted somewhere cannot be dropped.
		return []string{complete(plan.ObjectRole, s.Role), complete(plan.ObjectGroup, s.Grant.Privilege)}
	case plan.CreateUser:
		return []string{exists(plan.ObjectUser, s.User), complete(plan.ObjectUser, s.User)}
	case plan.RevokeRole:
		return []string{complete(plan.ObjectUser, s.User), held(s.Role)}
	case plan.GrantRole, plan.DropUser:
		return []string{complete(plan.ObjectUser, s.User)}
	case plan.UpdatePassword:
		return nil // a password is its own matter: no other step depends on it
	}
	return nil
}

// describer is c as a Describer, or the error of a step that needs one.
func describer(c Cluster) (Describer, error) {
	d, ok := c.(Describer)
	if !ok {
		return nil, errors.New("the cluster keeps no descriptions")
	}
	return d, nil
}

// held is the key of a role still held by a user the plan meant to move off it.
func held(role string) string { return "held:" + role }

// resolve decides a refused step whose goal may be met anyway: a create answered "already
// exists" while the object is as the step wants (a concurrent run of the same file created
// it; for a user, the file's password logs in), or a drop or revoke answered "not found" for
// a role that is gone (its grants and members went with it). It returns how the step was
// resolved, or "" when err stands.
func resolve(ctx context.Context, c Cluster, s plan.Step, o Options, err error) string {
	r, ok := c.(Resolver)
	if !ok {
		return ""
	}
	switch s.Action {
	case plan.CreateRole, plan.CreatePrivilegeGroup:
		if r.AlreadyExists(err) {
			return "it exists already: created meanwhile, e.g. by another run"
		}
	case plan.CreateUser:
		if !r.AlreadyExists(err) {
			return ""
		}
		if ok, cerr := r.CheckPassword(ctx, s.User, o.Passwords[s.User]); cerr == nil && ok {
			return "it exists already with the file's password: created meanwhile, e.g. by another run"
		}
	case plan.DropRole, plan.RevokePrivilege, plan.RevokeRole:
		if r.NotFound(err) {
			return "the role is gone already: dropped meanwhile, e.g. by another run"
		}
	}
	return ""
}

// do makes the call (or calls, for a revoke that must re-grant what the server takes with it)
// of one step.
func do(ctx context.Context, c Cluster, s plan.Step, o Options) error {
	switch s.Action {
	case plan.CreatePrivilegeGroup:
		return c.CreatePrivilegeGroup(ctx, s.Group)
	case plan.AddPrivilegesToGroup:
		if len(s.Replace) > 0 {
			if err := c.RemovePrivilegesFromGroup(ctx, s.Group, s.Replace); err != nil {
				return fmt.Errorf("remove %v first: %w", s.Replace, err)
			}
		}
		return c.AddPrivilegesToGroup(ctx, s.Group, s.Privileges)
	case plan.RemovePrivilegesFromGroup:
		return c.RemovePrivilegesFromGroup(ctx, s.Group, s.Privileges)
	case plan.DropPrivilegeGroup:
		return c.DropPrivilegeGroup(ctx, s.Group)
	case plan.CreateRole:
		if s.NewDescription != "" {
			d, err := describer(c)
			if err != nil {
				return err
			}
			return d.CreateRoleDescribed(ctx, s.Role, s.NewDescription)
		}
		return c.CreateRole(ctx, s.Role)
	case plan.AlterRole:
		d, err := describer(c)
		if err != nil {
			return err
		}
		return d.AlterRole(ctx, s.Role, s.NewDescription)
	case plan.UpdateUserDescription:
		d, err := describer(c)
		if err != nil {
			return err
		}
		return d.UpdateUserDescription(ctx, s.User, s.NewDescription)
	case plan.DropRole:
		return c.DropRole(ctx, s.Role)
	case plan.GrantPrivilege:
		return c.GrantPrivilege(ctx, s.Role, *s.Grant)
	case plan.RevokePrivilege:
		if err := c.RevokePrivilege(ctx, s.Role, *s.Grant); err != nil {
			return err
		}
		for _, k := range s.Keep {
			g := spec.NewGrant(k, s.Grant.Database, s.Grant.Object)
			if err := c.GrantPrivilege(ctx, s.Role, g); err != nil {
				return fmt.Errorf("grant %s again: %w", k, err)
			}
		}
		return nil
	case plan.CreateUser:
		pw, ok := o.Passwords[s.User]
		if !ok {
			return ErrMissingPassword
		}
		if s.NewDescription != "" {
			d, err := describer(c)
			if err != nil {
				return err
			}
			return d.CreateUserDescribed(ctx, s.User, pw, s.NewDescription)
		}
		return c.CreateUser(ctx, s.User, pw)
	case plan.UpdatePassword:
		pw, ok := o.Passwords[s.User]
		old, okOld := o.PreviousPasswords[s.User]
		if !ok || !okOld {
			return ErrMissingPassword
		}
		return c.UpdatePassword(ctx, s.User, old, pw)
	case plan.DropUser:
		return c.DropUser(ctx, s.User)
	case plan.GrantRole:
		return c.GrantRole(ctx, s.User, s.Role)
	case plan.RevokeRole:
		return c.RevokeRole(ctx, s.User, s.Role)
	}
	return fmt.Errorf("unknown action %q", s.Action)
}
