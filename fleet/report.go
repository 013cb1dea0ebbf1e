package fleet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/milvus-rbac/milvus-rbac/command"
	"github.com/milvus-rbac/milvus-rbac/markdown"
	"github.com/milvus-rbac/milvus-rbac/output"
	"github.com/milvus-rbac/milvus-rbac/plan"
	"github.com/milvus-rbac/milvus-rbac/policy"
)

// FormatVersion is the version of the JSON report of a run over targets; docs/json-formats.md.
const FormatVersion = output.FleetVersion

// Report is the JSON report of a run over targets.
type Report struct {
	FormatVersion string `json:"format_version"`
	// Kind is "fleet_plan", "fleet_apply", "fleet_drift" or "fleet_check".
	Kind    string         `json:"kind"`
	Targets []TargetReport `json:"targets"`
	Summary Summary        `json:"summary"`
}

// TargetReport is one target of the report.
type TargetReport struct {
	Name string `json:"name"`
	URI  string `json:"uri"`
	// ExitCode is the target's own exit code, as the single command would have returned it.
	ExitCode    int     `json:"exit_code"`
	Changes     int     `json:"changes"`
	Destructive int     `json:"destructive"`
	Drift       int     `json:"drift"`
	Violations  int     `json:"violations"`
	Error       string  `json:"error,omitempty"`
	Seconds     float64 `json:"seconds"`
	// Document is the target's plan or drift document (docs/plan.schema.json).
	Document *plan.Document `json:"document,omitempty"`
	// Check is the target's check report (docs/check.schema.json).
	Check *policy.Report `json:"check,omitempty"`
}

// Summary counts the targets.
type Summary struct {
	Targets     int `json:"targets"`
	Failed      int `json:"failed"`
	WithChanges int `json:"with_changes"`
	ExitCode    int `json:"exit_code"`
}

// row is a target's line of the summary table.
type row struct {
	name, changes, destructive, drift, err string
}

func rowOf(c string, r Result) row {
	w := row{name: r.Target.Name, changes: "-", destructive: "-", drift: "-"}
	if r.Failed() {
		w.err = firstLine(r.Err)
	}
	switch {
	case c == Check && r.Check != nil:
		w.drift = "-"
		w.changes = strconv.Itoa(len(r.Check.Violations))
	case c == Drift && r.Doc != nil:
		w.drift = strconv.Itoa(r.Doc.Summary.Total)
		w.destructive = strconv.Itoa(r.Doc.Summary.Destructive)
	case r.Doc != nil:
		w.changes = strconv.Itoa(r.Doc.Summary.Total)
		w.destructive = strconv.Itoa(r.Doc.Summary.Destructive)
	}
	return w
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " ..."
	}
	return s
}

// writeReport writes the report of results in o.Format.
func writeReport(s command.Streams, o Options, results []Result) error {
	switch o.Format {
	case string(output.JSON):
		return writeJSON(s.Out, o, results)
	case string(output.Markdown):
		return writeMarkdown(s.Out, o, results)
	}
	return writeText(s.Out, o, results)
}

func writeJSON(w io.Writer, o Options, results []Result) error {
	rep := Report{FormatVersion: FormatVersion, Kind: "fleet_" + o.Command, Targets: []TargetReport{}}
	for _, r := range results {
		tr := TargetReport{Name: r.Target.Name, URI: r.Target.URI, ExitCode: r.Code, Document: r.Doc, Check: r.Check,
			Seconds: r.Took.Seconds()}
		if r.Failed() {
			tr.Error = r.Err
			rep.Summary.Failed++
		}
		switch {
		case r.Check != nil:
			tr.Violations = len(r.Check.Violations)
		case o.Command == Drift && r.Doc != nil:
			tr.Drift = r.Doc.Summary.Total
			tr.Destructive = r.Doc.Summary.Destructive
		case r.Doc != nil:
			tr.Changes = r.Doc.Summary.Total
			tr.Destructive = r.Doc.Summary.Destructive
		}
		if r.Changes() > 0 {
			rep.Summary.WithChanges++
		}
		rep.Targets = append(rep.Targets, tr)
	}
	rep.Summary.Targets = len(results)
	rep.Summary.ExitCode = exitCode(o.Command, results)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// heading is the report's first line.
func heading(o Options, results []Result) string {
	failed, changed := 0, 0
	for _, r := range results {
		if r.Failed() {
			failed++
		} else if r.Changes() > 0 {
			changed++
		}
	}
	what := map[string]string{Plan: "with changes", Apply: "changed", Drift: "drifted", Check: "in violation"}[o.Command]
	return fmt.Sprintf("milvus-rbac %s over %d target(s): %d %s, %d failed", o.Command, len(results), changed, what, failed)
}

func writeText(w io.Writer, o Options, results []Result) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n", heading(o, results))
	for _, r := range results {
		fmt.Fprintf(&b, "\n== target %s (%s) ==\n", r.Target.Name, r.Target.URI)
		b.WriteString(section(o.Command, r))
	}
	b.WriteString("\nSummary:\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	if o.Command == Check {
		// A check changes nothing and has no drift: its table counts violations.
		fmt.Fprintln(tw, "TARGET\tVIOLATIONS\tERROR")
	} else {
		fmt.Fprintln(tw, "TARGET\tCHANGES\tDESTRUCTIVE\tDRIFT\tERROR")
	}
	for _, r := range results {
		w := rowOf(o.Command, r)
		if o.Command == Check {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", w.name, w.changes, orDash(w.err))
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", w.name, w.changes, w.destructive, w.drift, orDash(w.err))
	}
	tw.Flush()
	_, err := w.Write(b.Bytes())
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// section is a target's part of the text report.
func section(c string, r Result) string {
	var b strings.Builder
	switch {
	case c == Apply && r.Output != "":
		b.WriteString(r.Output)
	case c == Check && r.Check != nil:
		if r.Check.Passed {
			fmt.Fprintf(&b, "%s passes %s.\n", r.Check.Spec, r.Check.Policy)
		}
		for _, v := range r.Check.Violations {
			fmt.Fprintf(&b, "  %s:%d: rule %s: %s\n", r.Check.Policy, v.Line, v.Rule, v.Message)
		}
	case c == Drift && r.Doc != nil:
		b.WriteString(driftText(r.Doc))
	case r.Doc != nil:
		p := r.Doc.Plan()
		var buf bytes.Buffer
		p.WriteText(&buf, plan.TextOptions{SpecName: r.Doc.Spec.Path})
		b.WriteString(buf.String())
	}
	if r.Failed() {
		fmt.Fprintf(&b, "Error: %s\n", r.Err)
	}
	return b.String()
}

// driftText is a drift document as drift prints it (plan.Document.WriteDrift).
func driftText(d *plan.Document) string {
	var b strings.Builder
	if err := d.WriteDrift(&b, plan.TextOptions{SpecName: d.Spec.Path}); err != nil {
		return fmt.Sprintf("Error: %v\n", err)
	}
	return b.String()
}

// writeMarkdown writes one pull-request comment for every target: the heading, the summary
// table, then each target's plan (or drift) folded, each within its share of the size cap.
// Past what one comment holds, the table and the folded sections end with how many targets
// they leave out (the text and JSON reports have every one).
func writeMarkdown(w io.Writer, o Options, results []Result) error {
	const (
		wrapper  = 200 // <details>, <summary> and blank lines of one target
		minShare = 400 // the least a folded section is given; fewer sections past that
		errCell  = 120 // the most of an error the table shows
		closing  = 200 // the line that says what was left out
		maxTable = plan.MaxMarkdown / 2
	)
	var head strings.Builder
	fmt.Fprintf(&head, "### %s\n\n", markdown.Text(heading(o, results)))
	head.WriteString("| target | changes | destructive | drift | error |\n|---|---|---|---|---|\n")
	rows := 0
	for _, r := range results {
		if head.Len() > maxTable {
			break
		}
		x := rowOf(o.Command, r)
		e := orDash(x.err)
		if len(e) > errCell {
			e = prefix(e, errCell) + " ..."
		}
		fmt.Fprintf(&head, "| %s | %s | %s | %s | %s |\n", markdown.Code(x.name), x.changes, x.destructive, x.drift, markdown.Text(e))
		rows++
	}
	if rows < len(results) {
		fmt.Fprintf(&head, "\n%d more target(s) not in this table, to fit one comment: the text or JSON report (--format json) has every one.\n", len(results)-rows)
	}
	budget := plan.MaxMarkdown - head.Len() - closing
	shown, share := len(results), budget/max(len(results), 1)-wrapper
	if share < minShare {
		share = minShare
		shown = max(budget/(minShare+wrapper), 0)
	}
	var b strings.Builder
	b.WriteString(head.String())
	for _, r := range results[:shown] {
		summary := fmt.Sprintf("%s: %s", r.Target.Name, summaryOf(o.Command, r))
		fmt.Fprintf(&b, "\n<details><summary>%s</summary>\n\n", markdown.Text(summary))
		b.WriteString(markdownSection(o.Command, r, share))
		b.WriteString("\n</details>\n")
	}
	if shown < len(results) {
		fmt.Fprintf(&b, "\n%d more target(s) not shown here, to fit one comment: the text or JSON report (--format json) has each one's plan.\n", len(results)-shown)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// summaryOf is a target's one-line outcome, for the folded section's title.
func summaryOf(c string, r Result) string {
	switch {
	case r.Failed():
		return "failed"
	case r.Doc == nil:
		return "no result"
	case c == Drift && r.Doc.Summary.Total == 0:
		return "no drift"
	case c == Drift:
		return fmt.Sprintf("%d difference(s)", r.Doc.Summary.Total)
	case r.Doc.Summary.Total == 0:
		return "no changes"
	}
	return fmt.Sprintf("%d change(s), %d destructive", r.Doc.Summary.Total, r.Doc.Summary.Destructive)
}

// markdownSection is a target's folded part of the comment, at most budget characters.
func markdownSection(c string, r Result, budget int) string {
	if r.Failed() {
		return cut("**Error:** "+markdown.Text(r.Err)+"\n", budget)
	}
	if r.Doc == nil {
		return ""
	}
	if c == Drift {
		var b strings.Builder
		for _, d := range r.Doc.Differences() {
			fmt.Fprintf(&b, "- %s %s\n", d.Kind, markdown.Text(d.What))
			if d.NotFixed != "" {
				fmt.Fprintf(&b, "\n  %s\n", markdown.Text(d.NotFixed))
			}
		}
		if b.Len() == 0 {
			b.WriteString("No drift.\n")
		}
		return cut(b.String(), budget)
	}
	var buf bytes.Buffer
	if err := r.Doc.Plan().WriteMarkdown(&buf, plan.MarkdownOptions{SpecName: r.Doc.Spec.Path, Max: max(budget, 1000),
		Whole: "the JSON report (plan --targets --format json)"}); err != nil {
		return cut(markdown.Text(err.Error()), budget)
	}
	return cut(buf.String(), budget)
}

// cut shortens s to at most n characters at a line, saying so.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const note = "\n… (cut to fit one comment; the text or JSON report has everything)\n"
	kept := prefix(s, max(n-len(note), 0))
	if i := strings.LastIndexByte(kept, '\n'); i > 0 {
		kept = kept[:i]
	}
	return kept + note
}

// prefix is s cut to at most n bytes, not inside a character.
func prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
