package plan

import (
	"fmt"
	"io"
	"strings"
)

// Difference is one way the cluster differs from the file, as drift reports it.
type Difference struct {
	// Kind is Missing (the file has it, the cluster does not), Extra (the cluster has it
	// within the file's scope, the file does not) or Changed (a password that does not log
	// in, with --check-passwords).
	Kind DriftKind `json:"kind"`
	// What names the difference: "user alice", "Search on default.books for role reader".
	What string `json:"what"`
	// Step is the step of the plan that would repair it.
	Step Step `json:"step"`
	// NotFixed, when set, says why the plan does not repair it when run as the connecting
	// user, and what to do instead; Step is then the step another user's plan would take.
	NotFixed string `json:"not_fixed,omitempty"`
}

// Differences reads p as drift: each step is something missing from or extra on the cluster,
// and so is each change the plan refuses only because of the user it connects as (its own
// roles, its password, its own drop): drift must not depend on whose token runs it.
func (p *Plan) Differences() []Difference {
	out := make([]Difference, 0, len(p.Steps))
	for _, s := range p.Steps {
		out = append(out, Difference{Kind: s.driftKind(), What: s.noun(), Step: s})
	}
	for _, k := range p.Kept {
		if k.Because != KeptForConnectedUser {
			continue
		}
		for _, s := range append(k.Also, k.Step) {
			out = append(out, Difference{Kind: s.driftKind(), What: s.noun(), Step: s, NotFixed: k.notFixed()})
		}
	}
	return out
}

// notFixed says why a change kept for the connecting user is not made, and what to do.
func (k Kept) notFixed() string {
	return fmt.Sprintf("not fixed while milvus-rbac connects as user %s, which it never drops, strips of a role or gives a new password: run drift and apply as another user, or change the file", k.Who)
}

// driftKind reads a step as drift: Missing, Extra or Changed.
func (s Step) driftKind() DriftKind {
	switch {
	case s.Action.Destructive():
		return Extra
	case s.Action.Kind() == KindChange || len(s.Replace) > 0:
		return Changed
	}
	return Missing
}

// noun names what a step creates or removes.
func (s Step) noun() string {
	switch s.Action {
	case CreatePrivilegeGroup, DropPrivilegeGroup:
		return "privilege group " + s.Group
	case AddPrivilegesToGroup, RemovePrivilegesFromGroup:
		return fmt.Sprintf("%s in privilege group %s", strings.Join(s.Privileges, ", "), s.Group)
	case CreateRole, DropRole:
		return "role " + s.Role
	case GrantPrivilege, RevokePrivilege:
		return fmt.Sprintf("%s for role %s", s.Grant, s.Role)
	case CreateUser, DropUser:
		return "user " + s.User
	case UpdatePassword:
		return "password of user " + s.User + " (the file's password does not log in)"
	case AlterRole:
		return "description of role " + s.Role
	case UpdateUserDescription:
		return "description of user " + s.User
	case GrantRole, RevokeRole:
		return fmt.Sprintf("role %s of user %s", s.Role, s.User)
	}
	return string(s.Action)
}

// WriteDrift renders p as a drift report: what is missing and what is extra, what is left
// unmanaged, and a closing line.
func (p *Plan) WriteDrift(w io.Writer, o TextOptions) error {
	return p.writeDrift(w, o, p.Differences())
}

// WriteDrift renders a drift document (drift --format json) as drift prints its report, for
// a report over targets: the same lines, each difference the plan does not repair as the
// connecting user followed by why. The document's kept notes are left out: those about the
// connecting user are its differences already, and the others do not say which they are.
func (d *Document) WriteDrift(w io.Writer, o TextOptions) error {
	p := d.Plan()
	p.Steps, p.Kept = nil, nil
	return p.writeDrift(w, o, d.Differences())
}

// Differences reads a drift document's steps back as the differences they were written from.
func (d *Document) Differences() []Difference {
	diffs := make([]Difference, len(d.Steps))
	for i, s := range d.Steps {
		diffs[i] = Difference{Kind: driftKindOf(s.Drift), What: s.Step.noun(), Step: s.Step, NotFixed: s.NotFixed}
	}
	return diffs
}

// driftKindOf reads a drift kind's word; 0 for an unknown word.
func driftKindOf(word string) DriftKind {
	for _, k := range DriftKinds {
		if k.String() == word {
			return k
		}
	}
	return 0
}

// writeDrift renders diffs, then p's notes (what drift leaves unmanaged or skipped).
func (p *Plan) writeDrift(w io.Writer, o TextOptions, diffs []Difference) error {
	var b strings.Builder
	name := o.SpecName
	if name == "" {
		name = "the spec file"
	}
	count := map[DriftKind]int{}
	if len(diffs) == 0 {
		fmt.Fprintf(&b, "No drift. The cluster matches %s.\n", name)
	} else {
		fmt.Fprintf(&b, "Drift: the cluster does not match %s (mode %s):\n\n", name, p.Mode)
		for i, d := range diffs {
			count[d.Kind]++
			code := ansiRed
			if d.Kind != Extra {
				code = ansiYellow
			}
			kind, obj := d.Step.Object()
			fmt.Fprintf(&b, "  %s %s%s\n", paint(o.Color, code, fmt.Sprintf("%-7s", d.Kind.String())), d.What, o.from(kind.String(), obj))
			// Said once under a run of differences that share it (a role and its grants).
			if d.NotFixed != "" && (i+1 == len(diffs) || diffs[i+1].NotFixed != d.NotFixed) {
				fmt.Fprintf(&b, "          %s\n", d.NotFixed)
			}
		}
		b.WriteString("\n")
	}
	p.writeNotes(&b, o, true)
	if len(diffs) > 0 {
		line := fmt.Sprintf("Drift: %d missing, %d extra", count[Missing], count[Extra])
		if count[Changed] > 0 {
			line += fmt.Sprintf(", %d changed", count[Changed])
		}
		fmt.Fprintf(&b, "%s.\n", line)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
