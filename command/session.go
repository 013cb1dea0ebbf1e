package command

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/go-multierror"

	"github.com/milvus-rbac/milvus-rbac/access"
	"github.com/milvus-rbac/milvus-rbac/apply"
	"github.com/milvus-rbac/milvus-rbac/milvus"
	"github.com/milvus-rbac/milvus-rbac/plan"
	"github.com/milvus-rbac/milvus-rbac/problem"
	"github.com/milvus-rbac/milvus-rbac/release"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// session is a loaded spec, a connected client, the live state and the plan between them.
type session struct {
	spec   *spec.Spec
	client *milvus.Client
	live   *milvus.Live
	plan   *plan.Plan
	// checkPasswords probes the file's password of every existing user (--check-passwords).
	checkPasswords bool
	// verbose is -v: plan lines name the file of their object.
	verbose bool
	// before and after are the effective-access models around the plan (models).
	before, after *access.Model
}

// prepare loads the spec (no call is made when it is invalid), reads the cluster and plans.
func prepare(ctx context.Context, file string, files SpecFiles, conn Connection, checkPasswords bool) (*session, error) {
	sp, err := files.load(file)
	if err != nil {
		return nil, err
	}
	c, err := conn.client()
	if err != nil {
		return nil, err
	}
	ses := &session{spec: sp, client: c, checkPasswords: checkPasswords, verbose: conn.Log != nil}
	if err := ses.replan(ctx); err != nil {
		return nil, err
	}
	return ses, nil
}

// readLive reads the cluster, naming it in the error.
func readLive(ctx context.Context, c *milvus.Client) (*milvus.Live, error) {
	live, err := c.Read(ctx)
	if err != nil {
		return nil, fmt.Errorf("read cluster %s: %w", c.URI(), err)
	}
	return live, nil
}

// replan reads the cluster and plans again.
func (ses *session) replan(ctx context.Context) error {
	live, err := readLive(ctx, ses.client)
	if err != nil {
		return err
	}
	if err := ses.spec.CheckRelease(live.Server.Range); err != nil {
		return err
	}
	if live.GroupsDenied != nil && (len(ses.spec.State.Groups) > 0 || len(ses.spec.Protect.Groups) > 0) {
		return fmt.Errorf("%s manages privilege groups, but the connecting user may not list them: %w", ses.spec.Path, live.GroupsDenied)
	}
	opts := plan.Options{
		ConnectedUser:     ses.client.User(),
		NoPrivilegeGroups: !live.Features.PrivilegeGroups,
		Descriptions:      live.Server.Has(release.Descriptions) == release.Yes,
	}
	if ses.checkPasswords {
		if opts.PasswordMismatch, err = ses.probePasswords(ctx, live.State); err != nil {
			return err
		}
	}
	p, err := plan.Diff(ses.spec, live.State, opts)
	if err != nil {
		return fmt.Errorf("plan %s against %s: %w", ses.spec.Path, ses.client.URI(), err)
	}
	p.BlockRoleDrops(blankGrantRoles(live), "the role holds grants the server lists with an empty object name or privilege (leftover storage keys, milvus#49989): Milvus refuses to drop a role that has grants, and no call can revoke these")
	if live.Server.Has(release.ResolveAliasInGrants) != release.No {
		where := func(role string) string { return ses.spec.SourceOf(spec.KindRole, role).String() }
		if err := resolveNames(ctx, ses.client, p, where); err != nil {
			return fmt.Errorf("plan %s against %s: %w", ses.spec.Path, ses.client.URI(), err)
		}
	}
	ses.live, ses.plan = live, p
	ses.before, ses.after = nil, nil
	return nil
}

// blankGrantRoles are the roles whose describe listed grants Read left out as blank.
func blankGrantRoles(live *milvus.Live) []string {
	var out []string
	for _, ig := range live.Ignored {
		if ig.What == milvus.BlankGrant {
			out = append(out, ig.Name)
		}
	}
	return out
}

// resolveNames reads the databases, and the aliases among the names the plan grants on, of a
// server that resolves names in grants, and checks the plan against them (plan.ResolveNames).
// It costs nothing for a plan without grants or revokes in named databases; otherwise one
// databases/list, one aliases/list per database granted on by name, and one aliases/describe
// per alias so named. A server that refuses these reads (a connecting user without
// ListDatabases, or whose name trips milvus#46676) is warned about, not failed: the grants
// then meet the server's own answer.
func resolveNames(ctx context.Context, c *milvus.Client, p *plan.Plan, where func(role string) string) error {
	dbs := p.NamedDatabases()
	if len(dbs) == 0 {
		return nil
	}
	names, err := c.Databases(ctx)
	if milvus.IsRefusal(err) {
		c.Warn(fmt.Sprintf("could not check that the databases granted in exist (%v): %s fails grants in a database that does not exist", err, release.Need(release.ResolveAliasInGrants)))
		return nil
	}
	if err != nil {
		return err
	}
	o := plan.Objects{Databases: map[string]bool{}, Aliases: map[string]map[string]string{}, Where: where}
	for _, n := range names {
		o.Databases[n] = true
	}
	for db, objects := range p.NamedObjects() {
		if !o.Databases[db] {
			continue
		}
		aliases, err := c.Aliases(ctx, db, objects)
		if milvus.IsRefusal(err) {
			c.Warn(fmt.Sprintf("could not check for aliases in database %q (%v): %s stores a grant on an alias under its collection", db, err, release.Need(release.ResolveAliasInGrants)))
			continue
		}
		if err != nil {
			return err
		}
		o.Aliases[db] = aliases
	}
	return p.ResolveNames(o, release.Need(release.ResolveAliasInGrants))
}

// probePasswords logs in, once each and concurrently, as every user of the file that exists
// on the cluster and has a password source, and returns those whose password from the file
// does not work. A password that cannot be resolved is an error.
func (ses *session) probePasswords(ctx context.Context, live *spec.State) (map[string]bool, error) {
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		errs     *multierror.Error
		mismatch = map[string]bool{}
	)
	for _, name := range ses.spec.State.UserNames() {
		u := ses.spec.State.Users[name]
		// The connecting user is probed too: the plan never changes its password, but drift
		// reports a mismatch whoever connects.
		if _, exists := live.Users[name]; !exists || u.Password == nil {
			continue
		}
		pw, err := u.Password.Resolve(ses.spec.Dir())
		if err != nil {
			where := ses.spec.Path
			if src := ses.spec.SourceOf(spec.KindUser, name); src.File != "" {
				where = src.String()
			}
			mu.Lock()
			errs = problem.Append(errs, fmt.Errorf("%s: user %q: %w", where, name, err))
			mu.Unlock()
			continue
		}
		wg.Go(func() {
			ok, err := ses.client.CheckPassword(ctx, name, pw)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				errs = problem.Append(errs, fmt.Errorf("check the password of user %q: %w", name, err))
			case !ok:
				mismatch[name] = true
			}
		})
	}
	wg.Wait()
	return mismatch, errs.ErrorOrNil()
}

// passwords resolves and checks the password of every user the plan creates or changes (and,
// for a change, the previous password), reporting every problem at once. Messages name the
// user and the variable or file, never the value. Blocked steps are left alone.
//
// A plan (forPlan) needs no value: a password whose variable or file is not there where the
// plan runs (a pull request's job, which holds no password secrets) becomes a note for apply,
// returned in notes; a password that is there but breaks the policy is still an error.
func (ses *session) passwords(forPlan bool) (current, previous map[string]string, notes []string, err error) {
	current, previous = map[string]string{}, map[string]string{}
	var errs *multierror.Error
	for _, st := range ses.plan.Steps {
		if (st.Action != plan.CreateUser && st.Action != plan.UpdatePassword) || st.Blocked != "" {
			continue
		}
		where := ses.spec.Path
		if src := ses.spec.SourceOf(spec.KindUser, st.User); src.File != "" {
			where = src.String()
		}
		if st.Password == nil {
			errs = problem.Append(errs, fmt.Errorf("user %q is to be created but has no password in %s: add password: {env: VAR} or {file: path}", st.User, where))
			continue
		}
		// Each problem starts with where the user is defined, as the file's own problems do.
		pw, err := st.Password.Resolve(ses.spec.Dir())
		if forPlan && spec.IsUnavailable(err) {
			notes = append(notes, fmt.Sprintf("%s: user %q: %v here; apply needs it", where, st.User, err))
			continue
		}
		if err != nil {
			errs = problem.Append(errs, fmt.Errorf("%s: user %q: %w", where, st.User, err))
			continue
		}
		if err := spec.CheckPassword(ses.spec.PasswordPolicy, st.User, pw); err != nil {
			// Name where the value comes from, so that the fix is one look away.
			errs = problem.Append(errs, fmt.Errorf("%s: %w (the password comes from %s)", where, err, st.Password))
			continue
		}
		current[st.User] = pw
		if st.Action == plan.UpdatePassword {
			old, err := st.PreviousPassword.Resolve(ses.spec.Dir())
			if forPlan && spec.IsUnavailable(err) {
				notes = append(notes, fmt.Sprintf("%s: user %q: previous_password: %v here; apply needs it", where, st.User, err))
				continue
			}
			if err != nil {
				errs = problem.Append(errs, fmt.Errorf("%s: user %q: previous_password: %w", where, st.User, err))
				continue
			}
			previous[st.User] = old
		}
	}
	return current, previous, notes, errs.ErrorOrNil()
}

// applyOptions are the apply options of this session's plan.
func (ses *session) applyOptions(o Connection, current, previous map[string]string, s Streams) apply.Options {
	return apply.Options{Concurrency: o.Concurrency, Passwords: current, PreviousPasswords: previous, Progress: s.Err}
}

// warnLimits warns on Err when the plan takes the cluster past Milvus's default limits on
// users or roles, so that nobody learns it from an apply that fails half-way.
func (ses *session) warnLimits(s Streams) {
	for _, w := range plan.LimitWarnings(ses.live.State, plan.Simulate(ses.live.State, ses.plan)) {
		s.logf("Warning: %s.\n", w)
	}
}
