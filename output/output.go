// Package output is the one vocabulary of what the commands write: the output formats a
// --format flag names, and the format_version of each JSON document under the one versioning
// rule of docs/json-formats.md. It writes nothing itself, and knows no document's fields:
// each document lives with the package that builds it (plan, access, policy).
package output

import (
	"fmt"
	"slices"
	"strings"

	"github.com/milvus-rbac/milvus-rbac/problem"
)

// Format is an output format, as --format names it.
type Format string

// The formats. Each command accepts some of them (Parse).
const (
	Text     Format = "text"
	JSON     Format = "json"
	Markdown Format = "markdown"
	Diff     Format = "diff"
)

// Parse reads a --format value among allowed; "" is Text.
func Parse(s string, allowed ...Format) (Format, error) {
	if s == "" {
		s = string(Text)
	}
	if slices.Contains(allowed, Format(s)) {
		return Format(s), nil
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return "", fmt.Errorf("unknown --format %q%s: use one of %s", s, problem.DidYouMean(s, names), strings.Join(names, ", "))
}

// The format_version of each JSON document: "MAJOR.MINOR". Within a major version a minor
// version only adds fields; a reader refuses a major version it does not know (SameMajor).
// The versions move independently.
const (
	// PlanVersion is the plan and drift document's (plan --format json, plan --out, drift
	// --format json).
	PlanVersion = "1.2"
	// AccessVersion is the access reports' (access --format json).
	AccessVersion = "1.1"
	// CheckVersion is the check report's (check --format json).
	CheckVersion = "1.0"
	// FleetVersion is the report over targets' (plan, apply, drift, check --targets, --format
	// json).
	FleetVersion = "1.0"
)

// Major is the major part of a format_version: "1" of "1.1".
func Major(version string) string {
	major, _, _ := strings.Cut(version, ".")
	return major
}
