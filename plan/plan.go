package plan

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// Plan is the ordered list of steps that makes a cluster match a spec file, with what the plan
// deliberately leaves alone.
type Plan struct {
	// Mode is the spec file's mode the plan was made in.
	Mode spec.Mode `json:"mode"`
	// Steps run in this order: by phase (Order), then by object.
	Steps []Step `json:"steps"`
	// Unmanaged lists live objects the file does not list and the mode leaves alone.
	Unmanaged Unmanaged `json:"unmanaged"`
	// Kept lists changes the file asks for that the plan refuses, each with the reason
	// (the connecting user is never dropped and never loses a role, ...).
	Kept []Kept `json:"-"`
	// Skipped lists what a mode that is not additive would revoke inside the listed objects
	// (grants of listed roles, roles of listed users, members of listed groups): in additive
	// mode the plan leaves them, and says so. Empty in other modes.
	Skipped []Step `json:"-"`
}

// Kept is a change the file asks for that the plan refuses to make.
type Kept struct {
	// Step is the step the plan would take otherwise.
	Step Step
	// Because says whom the refusal protects.
	Because KeptBecause
	// Who is the user (or, for a privilege group, the role) the refusal protects.
	Who string
	// Also are steps refused with Step: the revokes of a role's grants before its drop.
	Also []Step
	// Note says what is kept and why, for people: "user ops keeps role admin: it is the user
	// milvus-rbac connects as".
	Note string
}

// KeptBecause is why a change is refused.
type KeptBecause int

const (
	// KeptForConnectedUser: the change would drop the user milvus-rbac connects as, take a
	// role from it, or change its password. It depends on who runs the tool: as another user
	// the plan makes it, so drift reports it whoever connects.
	KeptForConnectedUser KeptBecause = iota + 1
	// KeptForProtected: the change would take something from a protected user or role, which
	// no plan touches, whoever connects.
	KeptForProtected
)

// KeptNotes are the notes of p.Kept, in order.
func (p *Plan) KeptNotes() []string {
	var out []string
	for _, k := range p.Kept {
		out = append(out, k.Note)
	}
	return out
}

// Unmanaged names live objects outside the plan's scope.
type Unmanaged struct {
	Users  []string `json:"users"`
	Roles  []string `json:"roles"`
	Groups []string `json:"privilege_groups"`
}

// Empty reports whether the unmanaged lists are all empty.
func (u Unmanaged) Empty() bool { return len(u.Users)+len(u.Roles)+len(u.Groups) == 0 }

// Step is one call to the cluster.
type Step struct {
	Action Action `json:"action"`
	// User is the user created, dropped, or given or denied a role.
	User string `json:"user,omitempty"`
	// Role is the role created, dropped, granted to a user, or whose privileges change.
	Role string `json:"role,omitempty"`
	// Group is the privilege group created, dropped or changed.
	Group string `json:"privilege_group,omitempty"`
	// Grant is the privilege granted or revoked.
	Grant *spec.Grant `json:"grant,omitempty"`
	// Privileges are added to or removed from Group.
	Privileges []string `json:"privileges,omitempty"`
	// Password is where a created user's password, or the new password of update_password,
	// comes from; never the value.
	Password *spec.Secret `json:"password,omitempty"`
	// PreviousPassword is where the current password comes from, for update_password.
	PreviousPassword *spec.Secret `json:"previous_password,omitempty"`
	// Blocked says why the step cannot run (a password change without the old password);
	// apply does not run a blocked step, and reports it.
	Blocked string `json:"blocked,omitempty"`
	// Replace lists privileges removed from Group, by the same step and before Privileges are
	// added, when the group changes level: Milvus 2.6 and later refuse a group whose
	// privileges are of mixed levels, so adding first would fail.
	Replace []string `json:"replace,omitempty"`
	// NewDescription is the description a create_role or create_user step gives its object,
	// or that an alter_role or update_user_description step sets; only on releases that keep
	// descriptions (Options.Descriptions).
	NewDescription string `json:"new_description,omitempty"`
	// Keep lists privileges Milvus revokes together with Grant (Load takes GetLoadState and
	// GetLoadingProgress with it) that the file keeps: apply grants them again at once.
	Keep []string `json:"keep,omitempty"`
}

// symbol is the marker of the step: its action's, or "~" for a replacement.
func (s Step) symbol() string {
	if len(s.Replace) > 0 {
		return "~"
	}
	return s.Action.Symbol()
}

// Destructive reports whether the step takes access away or deletes an object.
func (s Step) Destructive() bool { return s.Action.Destructive() || len(s.Replace) > 0 }

// Object names the object a step belongs to, for grouping: (ObjectUser, "alice"). The kind
// is 0 for an unknown action.
func (s Step) Object() (kind ObjectKind, name string) {
	switch s.Action {
	case CreatePrivilegeGroup, AddPrivilegesToGroup, RemovePrivilegesFromGroup, DropPrivilegeGroup:
		return ObjectGroup, s.Group
	case CreateRole, AlterRole, GrantPrivilege, RevokePrivilege, DropRole:
		return ObjectRole, s.Role
	case CreateUser, UpdatePassword, UpdateUserDescription, GrantRole, RevokeRole, DropUser:
		return ObjectUser, s.User
	}
	return 0, ""
}

// Description says what the step does, in the words of a reviewer, without any secret.
func (s Step) Description() string { return s.describe(plain, plain) }

// plain formats a name for text: as it is.
func plain(name string) string { return name }

// names formats a list of names with code.
func names(code func(string) string, ns []string) string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = code(n)
	}
	return strings.Join(out, ", ")
}

// grantText renders a grant with code around its names: "Search on default.*".
func grantText(code func(string) string, g *spec.Grant) string {
	if g.ObjectType == privilege.ObjectUser {
		return fmt.Sprintf("%s on user %s (database %s)", code(g.Privilege), code(g.Object), code(g.Database))
	}
	return fmt.Sprintf("%s on %s", code(g.Privilege), code(g.Target()))
}

// describe is Description with code around every name and pattern and text around every
// message (identity for text; a code span and escaping for markdown), so that nothing
// renders as markup. A blocked step says why it cannot run.
func (s Step) describe(code, text func(string) string) string {
	d := s.what(code, text)
	if s.Blocked != "" {
		d += text(" [blocked: " + s.Blocked + "]")
	}
	return d
}

// what says what the step does, with code around every name and text around every message.
func (s Step) what(code, text func(string) string) string {
	switch s.Action {
	case CreatePrivilegeGroup:
		return fmt.Sprintf("create privilege group %s", code(s.Group))
	case AddPrivilegesToGroup:
		if len(s.Replace) > 0 {
			return fmt.Sprintf("replace %s with %s in privilege group %s (its level changes: Milvus refuses a group of mixed levels)",
				names(code, s.Replace), names(code, s.Privileges), code(s.Group))
		}
		return fmt.Sprintf("add %s to privilege group %s", names(code, s.Privileges), code(s.Group))
	case RemovePrivilegesFromGroup:
		return fmt.Sprintf("remove %s from privilege group %s", names(code, s.Privileges), code(s.Group))
	case DropPrivilegeGroup:
		return fmt.Sprintf("drop privilege group %s", code(s.Group))
	case CreateRole:
		return fmt.Sprintf("create role %s", code(s.Role)) + describedAs(text, s.NewDescription)
	case AlterRole:
		return fmt.Sprintf("set the description of role %s to %s", code(s.Role), text(strconv.Quote(s.NewDescription)))
	case UpdateUserDescription:
		return fmt.Sprintf("set the description of user %s to %s", code(s.User), text(strconv.Quote(s.NewDescription)))
	case GrantPrivilege:
		return fmt.Sprintf("grant %s to role %s", grantText(code, s.Grant), code(s.Role))
	case RevokePrivilege:
		d := fmt.Sprintf("revoke %s from role %s", grantText(code, s.Grant), code(s.Role))
		if len(s.Keep) > 0 {
			d += fmt.Sprintf(" (then grant %s again: Milvus revokes them with %s)", names(code, s.Keep), code(s.Grant.Privilege))
		}
		return d
	case DropRole:
		return fmt.Sprintf("drop role %s", code(s.Role))
	case CreateUser:
		return fmt.Sprintf("create user %s with password = (sensitive)", code(s.User)) + describedAs(text, s.NewDescription)
	case UpdatePassword:
		return fmt.Sprintf("change the password of user %s to (sensitive)", code(s.User))
	case GrantRole:
		return fmt.Sprintf("grant role %s to user %s", code(s.Role), code(s.User))
	case RevokeRole:
		return fmt.Sprintf("revoke role %s from user %s", code(s.Role), code(s.User))
	case DropUser:
		return fmt.Sprintf("drop user %s", code(s.User))
	}
	return string(s.Action)
}

// describedAs is the note of a create step that sets a description.
func describedAs(text func(string) string, d string) string {
	if d == "" {
		return ""
	}
	return text(" described as " + strconv.Quote(d))
}

// Blocked returns the steps that cannot run, in plan order.
func (p *Plan) Blocked() []Step {
	var out []Step
	for _, s := range p.Steps {
		if s.Blocked != "" {
			out = append(out, s)
		}
	}
	return out
}

// String is the closing count line: "2 to create, 5 to grant, 1 to revoke, 0 to drop", with
// "N passwords to change" when there are any.
func (c Counts) String() string {
	s := fmt.Sprintf("%d to create, %d to grant, %d to revoke, %d to drop", c.Create, c.Grant, c.Revoke, c.Drop)
	if c.Change > 0 {
		s += fmt.Sprintf(", %d password(s) to change", c.Change)
	}
	if c.Describe > 0 {
		s += fmt.Sprintf(", %d description(s) to set", c.Describe)
	}
	return s
}

// Empty reports whether the plan has no step.
func (p *Plan) Empty() bool { return len(p.Steps) == 0 }

// Counts is the number of steps of each kind.
type Counts struct {
	Create int `json:"create"`
	// Change counts password changes.
	Change int `json:"change"`
	// Describe counts description changes (alter_role, update_user_description).
	Describe int `json:"describe,omitempty"`
	Grant    int `json:"grant"`
	Revoke   int `json:"revoke"`
	Drop     int `json:"drop"`
}

// Counts counts p's steps by kind.
func (p *Plan) Counts() Counts {
	var c Counts
	for _, s := range p.Steps {
		switch s.Action.Kind() {
		case KindCreate:
			c.Create++
		case KindChange:
			if s.Action == UpdatePassword {
				c.Change++
			} else {
				c.Describe++
			}
		case KindGrant:
			c.Grant++
		case KindRevoke:
			c.Revoke++
		case KindDrop:
			c.Drop++
		}
	}
	return c
}

// Destructive returns the steps that take access away or delete objects, in plan order.
func (p *Plan) Destructive() []Step {
	var out []Step
	for _, s := range p.Steps {
		if s.Destructive() {
			out = append(out, s)
		}
	}
	return out
}

// sortSteps orders steps by phase, then by object, then by their details, so that two plans of
// the same input are identical.
func sortSteps(steps []Step) {
	slices.SortStableFunc(steps, func(a, b Step) int {
		return cmp.Or(cmp.Compare(a.Action.Phase(), b.Action.Phase()), cmp.Compare(a.sortKey(), b.sortKey()))
	})
}

func (s Step) sortKey() string {
	k := s.Group + "\x00" + s.Role + "\x00" + s.User + "\x00"
	if s.Grant != nil {
		k += s.Grant.Database + "\x00" + s.Grant.Object + "\x00" + s.Grant.Privilege + "\x00" + s.Grant.ObjectType
	}
	return k + "\x00" + strings.Join(s.Privileges, ",")
}
