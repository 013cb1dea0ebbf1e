package problem

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/go-multierror"
)

// Problem is one thing wrong with a file, located so that a person can go and fix it: the
// file as named by the caller, the 1-based line (0 when no line applies, such as a file that
// is too large), the YAML path of the value (roles[0].grants[1].privilege; empty for the
// document itself) and a message that says what is wrong and, where it can, how to fix it.
type Problem struct {
	File    string
	Line    int
	Path    string
	Message string
}

// String renders the problem as "access.yaml:14: roles[0].name: message", the form editors
// and CI annotations recognise.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Problems is every problem found in one file, returned as a single error so that a user
// fixes a file in one pass instead of one error per run.
type Problems []Problem

// Error renders the problems as Format renders a list of errors: one problem alone, or
// "N problems:" and one line each.
func (ps *Problems) Error() string { return formatLines(ps.Lines()) }

// Lines renders one problem per line, "file:line: path: message", without the list's
// heading.
func (ps *Problems) Lines() []string {
	lines := make([]string, len(*ps))
	for i, p := range *ps {
		lines[i] = p.String()
	}
	return lines
}

// Sort orders problems by file, then line; problems on one line keep the order they were
// found in, which follows the file's structure.
func (ps *Problems) Sort() {
	sort.SliceStable(*ps, func(i, j int) bool {
		a, b := (*ps)[i], (*ps)[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
}

// Format renders a list of errors, the one way milvus-rbac writes several errors: a single
// error as itself; several as "N problems:" then "  - error" per line, the lines of a
// multi-line error indented under it. It is the ErrorFormat of every multierror.Error the
// tool builds (see Append).
func Format(errs []error) string {
	lines := make([]string, len(errs))
	for i, e := range errs {
		lines[i] = e.Error()
	}
	return formatLines(lines)
}

func formatLines(lines []string) string {
	if len(lines) == 1 {
		return lines[0]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d problems:", len(lines))
	for _, l := range lines {
		b.WriteString("\n  - ")
		b.WriteString(strings.ReplaceAll(strings.TrimSpace(l), "\n", "\n    "))
	}
	return b.String()
}

// Append is multierror.Append with Format as the list's ErrorFormat, so that a list of
// errors reads the same wherever it was built.
func Append(list *multierror.Error, errs ...error) *multierror.Error {
	list = multierror.Append(list, errs...)
	list.ErrorFormat = Format
	return list
}
