package policy

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/milvus-rbac/milvus-rbac/output"
)

// FormatVersion is the format_version of the JSON document of Result.WriteJSON; it follows
// the versioning rule of every JSON document milvus-rbac writes (docs/json-formats.md).
const FormatVersion = output.CheckVersion

// Result is the outcome of checking one state (a spec file or a cluster) against a policy.
type Result struct {
	Policy *Policy
	// Checked names what was checked: a spec file, or "the cluster at URI".
	Checked    string
	Violations []Violation
	// Strict makes uncertain violations fail too.
	Strict bool
}

// Failed reports whether the check fails: a violation that is not uncertain, or with Strict
// any violation.
func (r Result) Failed() bool {
	if r.Strict {
		return len(r.Violations) > 0
	}
	return Failed(r.Violations)
}

// Report is the JSON document of `check --format json`.
type Report struct {
	FormatVersion string `json:"format_version"`
	Kind          string `json:"kind"`
	// Policy is the policy file; Spec what was checked (a spec file, or "the cluster at URI").
	Policy string `json:"policy"`
	Spec   string `json:"spec"`
	Rules  int    `json:"rules"`
	// Strict is true when uncertain violations fail too.
	Strict bool `json:"strict"`
	// Passed is false when the check fails (Result.Failed).
	Passed     bool        `json:"passed"`
	Violations []Violation `json:"violations"`
}

// WriteJSON writes the result as a Report.
func (r Result) WriteJSON(w io.Writer) error {
	vs := r.Violations
	if vs == nil {
		vs = []Violation{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(Report{FormatVersion: FormatVersion, Kind: "check", Policy: r.Policy.Path, Spec: r.Checked,
		Rules: len(r.Policy.Rules), Strict: r.Strict, Passed: !r.Failed(), Violations: vs})
}

// WriteText writes the result for people: one block per violation, "policy.yaml:12:
// violation of rule no-delete-in-prod: user carol holds Delete in database prod", then the
// paths, indented; then a summary line. With Strict, an uncertain case fails and says so.
func (r Result) WriteText(w io.Writer) error {
	var b strings.Builder
	p := r.Policy
	sure, unsure := 0, 0
	for _, v := range r.Violations {
		label := "violation"
		if v.Uncertain {
			label = "uncertain"
			unsure++
		} else {
			sure++
		}
		fmt.Fprintf(&b, "%s:%d: %s of rule %s: %s\n", p.Path, v.Line, label, v.Rule, v.Message)
		if len(v.Users) > 0 {
			fmt.Fprintf(&b, "    held by: %s\n", strings.Join(v.Users, ", "))
		}
		for _, path := range v.Paths {
			fmt.Fprintf(&b, "    %s\n", path)
		}
	}
	rules := fmt.Sprintf("%d rule", len(p.Rules))
	if len(p.Rules) != 1 {
		rules += "s"
	}
	switch {
	case sure > 0:
		fmt.Fprintf(&b, "%s breaks %s: %d violation(s)", r.Checked, p.Path, sure)
	case unsure > 0 && r.Strict:
		fmt.Fprintf(&b, "%s fails %s under --strict", r.Checked, p.Path)
	default:
		fmt.Fprintf(&b, "%s passes %s (%s)", r.Checked, p.Path, rules)
	}
	if unsure > 0 {
		fmt.Fprintf(&b, "; %d case(s) the model cannot decide", unsure)
		if !r.Strict {
			b.WriteString(" (--strict makes them fail)")
		}
	}
	b.WriteString(".\n")
	_, err := io.WriteString(w, b.String())
	return err
}
