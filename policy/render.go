package policy

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// FormatVersion is the version of the JSON document of WriteJSON.
const FormatVersion = "1"

// Report is the JSON document of `check --format json`.
type Report struct {
	FormatVersion string `json:"format_version"`
	// Policy is the policy file; Spec the checked file.
	Policy string `json:"policy"`
	Spec   string `json:"spec"`
	Rules  int    `json:"rules"`
	// Passed is false when a violation is not uncertain.
	Passed     bool        `json:"passed"`
	Violations []Violation `json:"violations"`
}

// WriteJSON writes the result of checking specName against p.
func WriteJSON(w io.Writer, p *Policy, specName string, vs []Violation) error {
	if vs == nil {
		vs = []Violation{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(Report{FormatVersion: FormatVersion, Policy: p.Path, Spec: specName, Rules: len(p.Rules),
		Passed: !Failed(vs), Violations: vs})
}

// WriteText writes the result of checking specName against p for people: one block per
// violation, "policy.yaml:12: rule no-delete-in-prod: user carol holds Delete in database
// prod", then the paths, indented; then a summary line.
func WriteText(w io.Writer, p *Policy, specName string, vs []Violation) error {
	var b strings.Builder
	sure, unsure := 0, 0
	for _, v := range vs {
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
		fmt.Fprintf(&b, "%s breaks %s: %d violation(s)", specName, p.Path, sure)
	default:
		fmt.Fprintf(&b, "%s passes %s (%s)", specName, p.Path, rules)
	}
	if unsure > 0 {
		fmt.Fprintf(&b, "; %d case(s) the model cannot decide", unsure)
	}
	b.WriteString(".\n")
	_, err := io.WriteString(w, b.String())
	return err
}
