package plan

import (
	"fmt"
	"slices"

	"github.com/hashicorp/go-multierror"

	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/problem"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// Options are what Diff needs to know beyond the two states.
type Options struct {
	// ConnectedUser is the user the tool connects as ("" for an API key). It is never
	// dropped and never loses a role, whatever the file says.
	ConnectedUser string
	// NoPrivilegeGroups is set when the server has no privilege_groups API (it answered
	// HTTP 404): a plan that needs groups then fails instead of failing half-way in apply.
	NoPrivilegeGroups bool
	// Descriptions is set when the server keeps user and role descriptions (Milvus 2.6.19
	// and later, release.Descriptions): creates carry the file's descriptions, and a
	// description that differs is set. Otherwise descriptions are documentation only.
	Descriptions bool
	// PasswordMismatch holds the users whose password from the file does not log in (plan
	// --check-passwords probed it): each gets an update_password step.
	PasswordMismatch map[string]bool
}

// Diff computes the plan that takes live to the desired state of s, within the scope of s's
// mode and protect rules. live is everything read from the cluster, built-ins included; Diff
// itself leaves out root, admin, public, the built-in groups and protected names. An error
// means no plan can be made (a protected role the file relies on is missing, the server lacks
// a feature the file needs); every such problem is reported.
func Diff(s *spec.Spec, live *spec.State, opts Options) (*Plan, error) {
	d := differ{want: s.State, live: live, mode: s.Mode, protect: s.Protect, opts: opts,
		plan: &Plan{Mode: s.Mode}}
	if d.mode == "" {
		d.mode = spec.ModeAdopt
		d.plan.Mode = spec.ModeAdopt
	}
	d.liveRoles = live.RoleNames()
	d.scope()
	d.check()
	if d.errs != nil {
		return nil, d.errs.ErrorOrNil()
	}
	d.groups()
	d.roles()
	d.users()
	sortSteps(d.plan.Steps)
	sortSteps(d.plan.Skipped)
	return d.plan, nil
}

type differ struct {
	want, live *spec.State
	mode       spec.Mode
	protect    spec.Protect
	opts       Options
	plan       *Plan
	errs       *multierror.Error
	// liveRoles are the live role names, sorted once.
	liveRoles []string
	// keptHolders maps a live role to the first untouchable user holding it (roleHolderKept).
	keptHolders map[string]string
	// drop are the live objects the plan drops (scope), and dropRole its roles as a set; a
	// drop may still be kept for a user who holds the object.
	drop     objects
	dropRole map[string]bool
}

// objects is one list of names per kind of object.
type objects struct{ users, roles, groups []string }

// scope works out, once, which live objects are outside the file. Of all the live objects (the
// cluster's), the managed ones are those no protect rule matches (built-ins included: the
// spec's protect rules always match them); the wanted ones are those the file lists. The
// managed objects that are not wanted are dropped in authoritative mode and reported as
// unmanaged in the others.
func (d *differ) scope() {
	extra := objects{
		users:  unlisted(d.live.UserNames(), d.want.Users, d.protect.User),
		roles:  unlisted(d.liveRoles, d.want.Roles, d.protect.Role),
		groups: unlisted(d.live.GroupNames(), d.want.Groups, d.protect.Group),
	}
	if d.mode != spec.ModeAuthoritative {
		d.plan.Unmanaged = Unmanaged{Users: extra.users, Roles: extra.roles, Groups: extra.groups}
		return
	}
	d.drop, d.dropRole = extra, set(extra.roles)
}

// unlisted are the names of all that are neither wanted nor protected, in all's order; nil
// when none.
func unlisted[V any](all []string, wanted map[string]V, protected func(string) bool) []string {
	var out []string
	for _, name := range all {
		if _, listed := wanted[name]; !listed && !protected(name) {
			out = append(out, name)
		}
	}
	return out
}

func (d *differ) add(s Step) { d.plan.Steps = append(d.plan.Steps, s) }

// keep records that the plan refuses step, because of whom, with a note for people.
func (d *differ) keep(step Step, because KeptBecause, who string, format string, args ...any) {
	d.plan.Kept = append(d.plan.Kept, Kept{Step: step, Because: because, Who: who, Note: fmt.Sprintf(format, args...)})
}

// because is why user u is untouchable.
func (d *differ) because(u string) KeptBecause {
	if u != "" && u == d.opts.ConnectedUser && !d.protect.User(u) {
		return KeptForConnectedUser
	}
	return KeptForProtected
}

// check finds what makes a plan impossible before any step is computed.
func (d *differ) check() {
	for _, u := range d.want.UserNames() {
		for _, r := range d.want.Users[u].Roles {
			if _, inFile := d.want.Roles[r]; inFile || r == spec.AdminRole {
				continue
			}
			if _, ok := d.live.Roles[r]; !ok {
				d.errs = problem.Append(d.errs, fmt.Errorf(
					"user %q: role %q is protected, so the file does not create it, and it does not exist on the cluster", u, r))
			}
		}
	}
	for _, r := range d.want.RoleNames() {
		for _, g := range d.want.Roles[r].Grants {
			_, inFile := d.want.Groups[g.Privilege]
			if inFile || privilege.Known(g.Privilege) || !d.protect.Group(g.Privilege) {
				continue
			}
			if _, ok := d.live.Groups[g.Privilege]; !ok {
				d.errs = problem.Append(d.errs, fmt.Errorf(
					"role %q: privilege group %q is protected, so the file does not create it, and it does not exist on the cluster", r, g.Privilege))
			}
		}
	}
	if !d.opts.NoPrivilegeGroups {
		return
	}
	if len(d.want.Groups) > 0 {
		d.errs = problem.Append(d.errs, fmt.Errorf(
			"the file defines privilege groups, but the server has no privilege_groups API (HTTP 404): custom privilege groups need Milvus 2.4.16 or 2.5.0 and later"))
	}
	for _, r := range d.want.RoleNames() {
		for _, g := range d.want.Roles[r].Grants {
			if privilege.IsBuiltinGroup(g.Privilege) {
				d.errs = problem.Append(d.errs, fmt.Errorf(
					"role %q: grant of built-in group %s needs grant_privilege_v2, which the server lacks: it needs Milvus 2.4.18 or 2.5.0 and later", r, g.Privilege))
			}
		}
	}
}

func (d *differ) groups() {
	for _, name := range d.want.GroupNames() {
		want := d.want.Groups[name].Privileges
		live, exists := d.live.Groups[name]
		if !exists {
			d.add(Step{Action: CreatePrivilegeGroup, Group: name})
			if len(want) > 0 {
				d.add(Step{Action: AddPrivilegesToGroup, Group: name, Privileges: want})
			}
			continue
		}
		add, rm := minus(want, live.Privileges), minus(live.Privileges, want)
		if d.mode == spec.ModeAdditive {
			if len(rm) > 0 {
				d.plan.Skipped = append(d.plan.Skipped, Step{Action: RemovePrivilegesFromGroup, Group: name, Privileges: rm})
			}
			rm = nil
		}
		if len(add) > 0 && len(rm) > 0 && spec.MembersLevel(live.Privileges) != spec.MembersLevel(want) {
			// Adding first would mix levels, which Milvus 2.6+ refuses: one step removes,
			// then adds.
			d.add(Step{Action: AddPrivilegesToGroup, Group: name, Privileges: add, Replace: rm})
			continue
		}
		if len(add) > 0 {
			d.add(Step{Action: AddPrivilegesToGroup, Group: name, Privileges: add})
		}
		if len(rm) > 0 {
			d.add(Step{Action: RemovePrivilegesFromGroup, Group: name, Privileges: rm})
		}
	}
	for _, name := range d.drop.groups {
		if holder := d.groupHolderKept(name); holder != "" {
			because, who := KeptForProtected, holder
			if u := d.roleHolderKept(holder); u != "" && !d.protect.Role(holder) {
				because = d.because(u)
				if because == KeptForConnectedUser {
					who = u
				}
			}
			d.keep(Step{Action: DropPrivilegeGroup, Group: name}, because, who,
				"privilege group %s is not dropped: role %s keeps a grant of it and is outside the plan", name, holder)
			continue
		}
		d.add(Step{Action: DropPrivilegeGroup, Group: name})
	}
}

// groupHolderKept names a live role that holds a grant of group and whose grants this plan
// does not revoke, so that the group cannot be dropped.
func (d *differ) groupHolderKept(group string) string {
	for _, r := range d.liveRoles {
		if d.roleDropped(r) {
			continue
		}
		if _, listed := d.want.Roles[r]; listed {
			continue // the file cannot grant an unlisted group, so its grants of it are revoked
		}
		for _, g := range d.live.Roles[r].Grants {
			if g.Privilege == group {
				return r
			}
		}
	}
	return ""
}

func (d *differ) roles() {
	for _, name := range d.want.RoleNames() {
		want := withCompanions(d.want.Roles[name].Grants)
		live, exists := d.live.Roles[name]
		if !exists {
			d.add(Step{Action: CreateRole, Role: name, NewDescription: d.description(d.want.Roles[name].Description)})
			d.grants(name, want, nil)
			continue
		}
		if desc := d.want.Roles[name].Description; d.describes(desc, live.Description) {
			d.add(Step{Action: AlterRole, Role: name, NewDescription: desc})
		}
		d.grants(name, want, live.Grants)
	}
	for _, name := range d.drop.roles {
		if holder := d.roleHolderKept(name); holder != "" {
			d.keep(Step{Action: DropRole, Role: name}, d.because(holder), holder,
				"role %s is not dropped: user %s holds it and %s", name, holder, d.whyUserKept(holder))
			// Another user's plan would revoke the role's grants before the drop: drift
			// reports them too.
			last := &d.plan.Kept[len(d.plan.Kept)-1]
			last.Also = d.revokes(name, d.live.Roles[name].Grants, nil)
			continue
		}
		d.plan.Steps = append(d.plan.Steps, d.revokes(name, d.live.Roles[name].Grants, nil)...)
		d.add(Step{Action: DropRole, Role: name})
	}
}

// roleDropped reports whether the plan drops live role r.
func (d *differ) roleDropped(r string) bool { return d.dropRole[r] && d.roleHolderKept(r) == "" }

// roleHolderKept names a user who holds live role r and must keep it: a protected one first,
// else the connecting user. Dropping the role would take it from them. A protected holder
// comes first because it keeps the role whoever connects.
func (d *differ) roleHolderKept(r string) string {
	if d.keptHolders == nil {
		// Who holds what among the untouchable users, worked out once: this is asked for
		// every unlisted role and, through roleDropped, for every role per unlisted group.
		d.keptHolders = map[string]string{}
		for _, u := range d.live.UserNames() {
			if !d.userUntouchable(u) {
				continue
			}
			for _, held := range d.live.Users[u].Roles {
				if prev, seen := d.keptHolders[held]; !seen || d.because(prev) == KeptForConnectedUser {
					d.keptHolders[held] = u
				}
			}
		}
	}
	return d.keptHolders[r]
}

func (d *differ) userUntouchable(u string) bool {
	return d.protect.User(u) || (u == d.opts.ConnectedUser && u != "")
}

func (d *differ) whyUserKept(u string) string {
	if u == d.opts.ConnectedUser {
		return "it is the user milvus-rbac connects as"
	}
	return "it is protected"
}

// grants adds the steps that turn the live grants of role into want (both with companions).
func (d *differ) grants(role string, want, live []spec.Grant) {
	wantSet := set(want)
	grant := minus(want, live)
	grantSet := set(grant)
	for _, g := range grant {
		if impliedBy(g, grantSet) {
			continue // granting the parent grants it too
		}
		g := g
		d.add(Step{Action: GrantPrivilege, Role: role, Grant: &g})
	}
	if d.mode == spec.ModeAdditive {
		// Left alone, and said so: what adopt would revoke.
		d.plan.Skipped = append(d.plan.Skipped, d.revokes(role, live, wantSet)...)
		return
	}
	d.plan.Steps = append(d.plan.Steps, d.revokes(role, live, wantSet)...)
}

// revokes returns a revoke step for each grant of live that keep does not hold (none for a
// grant whose parent is revoked too); the caller adds them to the plan, or to what it skips
// or keeps.
func (d *differ) revokes(role string, live []spec.Grant, keep map[spec.Grant]bool) []Step {
	var out []Step
	revoke := slices.DeleteFunc(slices.Clone(live), func(g spec.Grant) bool { return keep[g] })
	revokeSet := set(revoke)
	for _, g := range revoke {
		if impliedBy(g, revokeSet) {
			continue // revoking the parent revokes it too
		}
		g := g
		step := Step{Action: RevokePrivilege, Role: role, Grant: &g}
		for _, c := range companions(g) {
			if keep[c] {
				step.Keep = append(step.Keep, c.Privilege)
			}
		}
		out = append(out, step)
	}
	return out
}

func (d *differ) users() {
	for _, name := range d.want.UserNames() {
		u := d.want.Users[name]
		live, exists := d.live.Users[name]
		if !exists {
			d.add(Step{Action: CreateUser, User: name, Password: u.Password, NewDescription: d.description(u.Description)})
			for _, r := range u.Roles {
				d.add(Step{Action: GrantRole, User: name, Role: r})
			}
			continue
		}
		if d.opts.PasswordMismatch[name] {
			d.password(u)
		}
		if d.describes(u.Description, live.Description) {
			d.add(Step{Action: UpdateUserDescription, User: name, NewDescription: u.Description})
		}
		for _, r := range minus(u.Roles, live.Roles) {
			d.add(Step{Action: GrantRole, User: name, Role: r})
		}
		if d.mode == spec.ModeAdditive {
			for _, r := range minus(live.Roles, u.Roles) {
				d.plan.Skipped = append(d.plan.Skipped, Step{Action: RevokeRole, User: name, Role: r})
			}
			continue
		}
		for _, r := range minus(live.Roles, u.Roles) {
			if name == d.opts.ConnectedUser {
				d.keep(Step{Action: RevokeRole, User: name, Role: r}, KeptForConnectedUser, name,
					"user %s keeps role %s: it is the user milvus-rbac connects as", name, r)
				continue
			}
			d.add(Step{Action: RevokeRole, User: name, Role: r})
		}
	}
	for _, name := range d.drop.users {
		if name == d.opts.ConnectedUser {
			d.keep(Step{Action: DropUser, User: name}, KeptForConnectedUser, name,
				"user %s is not dropped: it is the user milvus-rbac connects as", name)
			continue
		}
		d.add(Step{Action: DropUser, User: name})
	}
}

// description is what a create step sends as the description: the file's, where the server
// keeps one.
func (d *differ) description(want string) string {
	if !d.opts.Descriptions {
		return ""
	}
	return want
}

// describes reports whether an object's description must be set: the file gives one, the
// server keeps descriptions, and the live one differs. A file without a description leaves
// the live one alone, so that adopting a cluster never erases what others wrote.
func (d *differ) describes(want, live string) bool {
	return d.opts.Descriptions && want != "" && want != live
}

// password adds the update_password step of u, blocked when it cannot run. Never for the
// connecting user: the rest of the run authenticates with its current password.
func (d *differ) password(u *spec.User) {
	step := Step{Action: UpdatePassword, User: u.Name, Password: u.Password, PreviousPassword: u.PreviousPassword}
	if u.Name == d.opts.ConnectedUser {
		d.keep(step, KeptForConnectedUser, u.Name,
			"the password of user %s is not changed: it is the user milvus-rbac connects as; change it by hand, then MILVUS_TOKEN", u.Name)
		return
	}
	if u.PreviousPassword == nil {
		step.Blocked = "Milvus changes a password only given the old one: add previous_password to the file (never drop and re-create the user, which loses its roles)"
	}
	d.add(step)
}

// withCompanions returns grants plus the privileges Milvus grants along with Load and Flush,
// sorted, so that the desired set compares equal to what the server reports.
func withCompanions(grants []spec.Grant) []spec.Grant {
	out := append([]spec.Grant(nil), grants...)
	for _, g := range grants {
		out = append(out, companions(g)...)
	}
	return spec.SortGrants(out)
}

// companions are the grants the server adds to (and removes with) g.
func companions(g spec.Grant) []spec.Grant {
	var out []spec.Grant
	for _, p := range privilege.Related[g.Privilege] {
		out = append(out, spec.NewGrant(p, g.Database, g.Object))
	}
	return out
}

// impliedBy reports whether g is a companion of another grant in gs.
func impliedBy(g spec.Grant, gs map[spec.Grant]bool) bool {
	for parent, related := range privilege.Related {
		for _, p := range related {
			if p != g.Privilege {
				continue
			}
			if gs[spec.NewGrant(parent, g.Database, g.Object)] {
				return true
			}
		}
	}
	return false
}

func set[T comparable](xs []T) map[T]bool {
	m := make(map[T]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// minus returns the elements of a not in b, in a's order.
func minus[T comparable](a, b []T) []T {
	in := set(b)
	var out []T
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}
