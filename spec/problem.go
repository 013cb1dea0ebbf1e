package spec

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong with a spec file, located so that a person can go and fix it:
// the file as named by the caller, the 1-based line (0 when no line applies, such as a file
// that is too large), the YAML path of the value (roles[0].grants[1].privilege; empty for the
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

// Problems is every problem found in one spec file. Parse returns it as a single error so
// that a user fixes a file in one pass instead of one error per run.
type Problems []Problem

// Error renders one problem per line, in line order.
func (ps *Problems) Error() string {
	lines := make([]string, len(*ps))
	for i, p := range *ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// sort orders problems by line; problems on one line keep the order they were found in,
// which follows the file's structure.
func (ps *Problems) sort() {
	sort.SliceStable(*ps, func(i, j int) bool { return (*ps)[i].Line < (*ps)[j].Line })
}
