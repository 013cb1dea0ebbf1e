package plan

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/milvus-rbac/milvus-rbac/spec"
)

// TextOptions shape the text rendering.
type TextOptions struct {
	// SpecName names the spec file in the closing line ("access.yaml").
	SpecName string
	// Color adds ANSI colours; set it only on a TTY and never when NO_COLOR is set.
	Color bool
	// Source, when set, says where the spec defines an object ("team-a.yaml:12"); each
	// object's line then names it.
	Source func(kind, name string) string
}

// from is the note that names where o's object is defined, "" when unknown.
func (o TextOptions) from(kind, name string) string {
	if o.Source == nil {
		return ""
	}
	if src := o.Source(kind, name); src != "" {
		return "  # " + src
	}
	return ""
}

const (
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiBold   = "\x1b[1m"
	ansiReset  = "\x1b[0m"
)

func paint(on bool, code, s string) string {
	if !on {
		return s
	}
	return code + s + ansiReset
}

// objectSteps is the steps of one object, in plan order.
type objectSteps struct {
	kind  ObjectKind
	name  string
	steps []Step
}

// byObject groups steps by the object they change: privilege groups, then roles, then users,
// each by name, keeping plan order inside an object.
func byObject(steps []Step) []objectSteps {
	type key struct {
		kind ObjectKind
		name string
	}
	index := map[key]int{}
	var out []objectSteps
	for _, s := range steps {
		kind, name := s.Object()
		key := key{kind, name}
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, objectSteps{kind: kind, name: name})
		}
		out[i].steps = append(out[i].steps, s)
	}
	slices.SortStableFunc(out, func(a, b objectSteps) int {
		return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.name, b.name))
	})
	return out
}

// head is the line that introduces an object: the step that creates or drops it, or a
// "~ kind name" line for an object that is changed in place.
func (o objectSteps) head() (symbol, text string, rest []Step) {
	for i, s := range o.steps {
		if k := s.Action.Kind(); k == KindCreate || k == KindDrop {
			return s.Action.Symbol(), s.Description(), slices.Delete(slices.Clone(o.steps), i, i+1)
		}
	}
	return "~", "change " + o.kind.String() + " " + o.name, o.steps
}

// short describes a step under its object's head line, without repeating the object; a
// blocked step says why it cannot run.
func (s Step) short() string {
	d := s.shortWhat()
	if s.Blocked != "" {
		d += " [blocked: " + s.Blocked + "]"
	}
	return d
}

func (s Step) shortWhat() string {
	switch s.Action {
	case AddPrivilegesToGroup:
		if len(s.Replace) > 0 {
			return fmt.Sprintf("replace privileges %s with %s (the group's level changes)", strings.Join(s.Replace, ", "), strings.Join(s.Privileges, ", "))
		}
		return "add privileges " + strings.Join(s.Privileges, ", ")
	case RemovePrivilegesFromGroup:
		return "remove privileges " + strings.Join(s.Privileges, ", ")
	case GrantPrivilege:
		return "grant " + s.Grant.String()
	case RevokePrivilege:
		d := "revoke " + s.Grant.String()
		if len(s.Keep) > 0 {
			d += fmt.Sprintf(" (then grant %s again: Milvus revokes them with %s)", strings.Join(s.Keep, ", "), s.Grant.Privilege)
		}
		return d
	case UpdatePassword:
		return "change password to (sensitive)"
	case AlterRole, UpdateUserDescription:
		return "set description to " + strconv.Quote(s.NewDescription)
	case GrantRole:
		return "grant role " + s.Role
	case RevokeRole:
		return "revoke role " + s.Role
	}
	return s.what(plain, plain)
}

// WriteText renders p for a reviewer: one line per step, grouped by object, "+" for what gives
// access, "-" for what takes it away, "~" for an object changed in place, then what the plan
// leaves alone and a closing count line.
func (p *Plan) WriteText(w io.Writer, o TextOptions) error {
	var b strings.Builder
	name := o.SpecName
	if name == "" {
		name = "the spec file"
	}
	color := func(sym string) string {
		switch sym {
		case "+":
			return ansiGreen
		case "-":
			return ansiRed
		}
		return ansiYellow
	}
	if p.Empty() {
		fmt.Fprintf(&b, "No changes. The cluster matches %s%s.\n", name, p.except())
	} else {
		fmt.Fprintf(&b, "milvus-rbac will perform the following actions (mode %s):\n", p.Mode)
		for _, obj := range byObject(p.Steps) {
			sym, text, rest := obj.head()
			fmt.Fprintf(&b, "\n  %s%s\n", paint(o.Color, color(sym), sym+" "+text), o.from(obj.kind.String(), obj.name))
			for _, s := range rest {
				sym := s.symbol()
				fmt.Fprintf(&b, "      %s\n", paint(o.Color, color(sym), sym+" "+s.short()))
			}
		}
		b.WriteString("\n")
	}
	p.writeNotes(&b, o, false)
	if !p.Empty() {
		if d := p.Destructive(); len(d) > 0 {
			fmt.Fprintf(&b, "%s\n", paint(o.Color, ansiRed+ansiBold,
				fmt.Sprintf("Warning: %d destructive step(s) revoke access or drop objects (marked -).", len(d))))
		}
		if bl := p.Blocked(); len(bl) > 0 {
			fmt.Fprintf(&b, "%s\n", paint(o.Color, ansiYellow,
				fmt.Sprintf("Blocked: %d step(s) cannot run and will be skipped (marked [blocked]).", len(bl))))
		}
		fmt.Fprintf(&b, "%s\n", paint(o.Color, ansiBold, "Plan: "+p.Counts().String()+"."))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeNotes renders what the plan leaves on purpose: in additive mode what it does not
// revoke, what it keeps (in a drift report, the changes kept only for the connecting user are
// differences, listed above, not notes), and what it does not manage.
func (p *Plan) writeNotes(b *strings.Builder, o TextOptions, drift bool) {
	wrote := false
	if len(p.Skipped) > 0 {
		fmt.Fprintf(b, "%s\n", p.skippedHeading())
		for _, s := range p.Skipped {
			fmt.Fprintf(b, "  skipped: %s\n", s.Description())
		}
		b.WriteString("\n")
	}
	for _, k := range p.Kept {
		if drift && k.Because == KeptForConnectedUser {
			continue
		}
		fmt.Fprintf(b, "%s\n", paint(o.Color, ansiYellow, "! "+k.Note))
		wrote = true
	}
	if !p.Unmanaged.Empty() {
		fmt.Fprintf(b, "%s\n", p.unmanagedNote())
		wrote = true
	}
	if wrote {
		b.WriteString("\n")
	}
}

// except qualifies "the cluster matches" when the plan keeps a change only for the
// connecting user: the cluster does not match, but this plan will not change it.
func (p *Plan) except() string {
	for _, k := range p.Kept {
		if k.Because == KeptForConnectedUser {
			return ", except as noted below"
		}
	}
	return ""
}

// skippedHeading introduces p.Skipped.
func (p *Plan) skippedHeading() string {
	return fmt.Sprintf("Skipped (mode %s never revokes; mode %s would revoke these %d, which the file does not list):",
		p.Mode, spec.ModeAdopt, len(p.Skipped))
}

// unmanagedNote is the sentence that lists p.Unmanaged.
func (p *Plan) unmanagedNote() string {
	return fmt.Sprintf("Unmanaged (not in the file, left alone in mode %s): %s.", p.Mode, p.Unmanaged.String())
}

// String lists the unmanaged objects: "users bob, carol; roles tmp".
func (u Unmanaged) String() string {
	var parts []string
	for _, l := range []struct {
		what  string
		names []string
	}{{"users", u.Users}, {"roles", u.Roles}, {"privilege groups", u.Groups}} {
		if len(l.names) > 0 {
			parts = append(parts, l.what+" "+strings.Join(l.names, ", "))
		}
	}
	return strings.Join(parts, "; ")
}
