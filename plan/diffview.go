package plan

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/milvus-rbac/milvus-rbac/spec"
)

// WriteDiff renders, for each object the plan changes, a unified diff between the object as it
// is on the cluster and as the file wants it, both written as spec YAML; for reviewers who
// think in files rather than steps. Passwords are left out: they are never compared.
func (p *Plan) WriteDiff(w io.Writer, desired, live *spec.State, o TextOptions) error {
	var b strings.Builder
	if p.Empty() {
		name := o.SpecName
		if name == "" {
			name = "the spec file"
		}
		fmt.Fprintf(&b, "No changes. The cluster matches %s.\n", name)
	}
	for _, obj := range byObject(p.Steps) {
		before, err := objectYAML(live, obj.kind, obj.name)
		if err != nil {
			return err
		}
		after, err := objectYAML(desired, obj.kind, obj.name)
		if err != nil {
			return err
		}
		label := strings.ReplaceAll(obj.kind.String(), " ", "_") + "/" + obj.name
		fmt.Fprintf(&b, "--- live/%s\n+++ desired/%s%s\n", label, label, o.from(obj.kind.String(), obj.name))
		lines := lineDiff(before, after)
		for _, st := range obj.steps {
			if st.Action == UpdatePassword {
				lines = append(lines, passwordLine(st))
			}
		}
		for _, l := range lines {
			line := l
			switch {
			case strings.HasPrefix(l, "+"):
				line = paint(o.Color, ansiGreen, l)
			case strings.HasPrefix(l, "-"):
				line = paint(o.Color, ansiRed, l)
			}
			b.WriteString(line + "\n")
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// passwordLine notes a password change, which a diff of the spec YAML cannot show (the
// value is secret, and the cluster has no password to compare).
func passwordLine(s Step) string {
	l := "# the password changes (sensitive, not shown): the file's password does not log in"
	if s.Blocked != "" {
		l += " [blocked: " + s.Blocked + "]"
	}
	return l
}

// objectYAML renders one object of s as it would stand in a spec file; "" when s lacks it.
func objectYAML(s *spec.State, kind ObjectKind, name string) (string, error) {
	var buf bytes.Buffer
	var err error
	switch kind {
	case ObjectGroup:
		if g, ok := s.Groups[name]; ok {
			err = spec.EncodeGroup(&buf, g)
		}
	case ObjectRole:
		if r, ok := s.Roles[name]; ok {
			err = spec.EncodeRole(&buf, r, s.Groups)
		}
	case ObjectUser:
		if u, ok := s.Users[name]; ok {
			// Only what is compared with the cluster: the password sources (password,
			// previous_password) live in the file alone, so showing them would look like a
			// change. A password change shows as its own line (passwordLine).
			err = spec.EncodeUser(&buf, &spec.User{Name: u.Name, Description: u.Description, Roles: u.Roles})
		}
	default:
		err = fmt.Errorf("unknown object kind %d", int(kind))
	}
	if err != nil {
		return "", fmt.Errorf("render %s %s: %w", kind, name, err)
	}
	return buf.String(), nil
}

// lineDiff returns the lines of a unified diff of a and b with the whole object as context
// (objects are short): " " kept, "-" only in a, "+" only in b, under one @@ header.
func lineDiff(a, b string) []string {
	dmp := diffmatchpatch.New()
	ca, cb, lines := dmp.DiffLinesToChars(a, b)
	diffs := dmp.DiffCharsToLines(dmp.DiffMain(ca, cb, false), lines)
	var out []string
	na, nb := 0, 0
	for _, d := range diffs {
		text := strings.TrimSuffix(d.Text, "\n")
		if text == "" && d.Text == "" {
			continue
		}
		for _, l := range strings.Split(text, "\n") {
			switch d.Type {
			case diffmatchpatch.DiffEqual:
				out = append(out, " "+l)
				na++
				nb++
			case diffmatchpatch.DiffDelete:
				out = append(out, "-"+l)
				na++
			case diffmatchpatch.DiffInsert:
				out = append(out, "+"+l)
				nb++
			}
		}
	}
	startA, startB := 1, 1
	if na == 0 {
		startA = 0
	}
	if nb == 0 {
		startB = 0
	}
	return append([]string{fmt.Sprintf("@@ -%d,%d +%d,%d @@", startA, na, startB, nb)}, out...)
}
