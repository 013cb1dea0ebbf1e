package plan

import (
	"fmt"
	"io"
	"strings"

	"github.com/milvus-rbac/milvus-rbac/markdown"
)

// MaxMarkdown is the size cap of the markdown rendering, below GitHub's 65,536-character limit
// on a comment, with room for a bot's own header.
const MaxMarkdown = 60000

// MaxDestructiveListed is how many destructive steps the markdown lists, at most; past it, it
// says how many more there are and where the whole plan is.
const MaxDestructiveListed = 50

// WholePlan says where the whole plan is, for the notes on what the markdown leaves out: the
// CI examples print the full text plan to the job log and keep the JSON plan as an artifact.
const WholePlan = "the full plan is in the job log of the run that wrote this comment, and in its saved JSON plan"

// MarkdownOptions shape the markdown rendering.
type MarkdownOptions struct {
	// SpecName names the spec file.
	SpecName string
	// Preface is markdown placed after the destructive steps (the access delta), one list
	// item or paragraph line per line, so that it can be cut at a line.
	Preface string
	// Max is the size cap; MaxMarkdown when zero.
	Max int
	// Whole says where the whole plan is; WholePlan when empty.
	Whole string
}

// section is one part of the comment: fixed text around lines that can be cut from the end.
type section struct {
	open  string   // before the lines
	lines []string // cut from the end, whole lines at a time
	sep   string   // between lines
	close string   // after the lines
	after string   // after close, even when lines are cut (a limit's note)
	what  string   // what the lines are, for the cut note: "destructive steps"
	keep  int      // how many lines are kept
	// heading: open says what the lines are, and stays when they are all cut.
	heading bool
}

func (s *section) render(b *strings.Builder, whole string) {
	// A section cut to nothing keeps only its heading, if it has one (destructive steps: the
	// count matters), and the note on what was cut.
	if s.keep > 0 || s.heading {
		b.WriteString(s.open)
		b.WriteString(strings.Join(s.lines[:s.keep], s.sep))
		if s.keep > 0 {
			b.WriteString(s.close)
		}
		b.WriteString(s.after)
	}
	if s.keep < len(s.lines) {
		fmt.Fprintf(b, "\nNot shown, to fit a comment: %d of the %d %s; %s.\n", len(s.lines)-s.keep, len(s.lines), s.what, whole)
	}
}

// WriteMarkdown renders p as a pull-request comment. Under the size cap, in this order of
// what is kept: the summary line; the destructive steps (the first MaxDestructiveListed, then
// how many more); the access changes (Preface); then the rest (what additive mode skips,
// notes, the full plan in a <details> block). When the whole would pass the cap, the rest is
// cut first (the full plan, then what is skipped, then the notes), then the access changes,
// then the destructive steps, each at a line, and each
// cut says how much was left out and where the whole plan is. Names are code spans and
// messages are escaped, and every note is a paragraph of its own, outside every list.
func (p *Plan) WriteMarkdown(w io.Writer, o MarkdownOptions) error {
	max := o.Max
	if max == 0 {
		max = MaxMarkdown
	}
	whole := o.Whole
	if whole == "" {
		whole = WholePlan
	}
	name := o.SpecName
	if name == "" {
		name = "the spec file"
	}
	code, text := markdown.Code, markdown.Text

	var head string
	if p.Empty() {
		head = fmt.Sprintf("### milvus-rbac: no changes\n\nThe cluster matches %s%s.\n", code(name), p.except())
	} else {
		head = fmt.Sprintf("### milvus-rbac plan for %s: %s\n", code(name), text(p.Counts().String()))
	}

	// In the order they appear; cut is the order they are cut in.
	var destructive, access, skipped, notes, full section
	if d := p.Destructive(); len(d) > 0 {
		destructive = section{open: fmt.Sprintf("\n**⚠ %d destructive step(s)** (revoke access or drop objects):\n\n", len(d)),
			sep: "\n", close: "\n", what: "destructive steps listed", heading: true}
		listed := d
		if len(listed) > MaxDestructiveListed {
			listed = listed[:MaxDestructiveListed]
			destructive.after = fmt.Sprintf("\nAnd %d more destructive step(s), past the first %d; %s.\n", len(d)-len(listed), len(listed), whole)
		}
		for _, s := range listed {
			destructive.lines = append(destructive.lines, "- `-` "+s.describe(code, text))
		}
	}
	if o.Preface != "" {
		access = section{open: "\n", lines: strings.Split(strings.TrimRight(o.Preface, "\n"), "\n"), sep: "\n", close: "\n",
			what: "lines of the access changes"}
	}
	if len(p.Skipped) > 0 {
		skipped = section{open: "\n" + text(p.skippedHeading()) + "\n\n", sep: "\n", close: "\n", what: "skipped steps", heading: true}
		for _, s := range p.Skipped {
			skipped.lines = append(skipped.lines, "- skipped: "+s.describe(code, text))
		}
	}
	for _, k := range p.Kept {
		notes.lines = append(notes.lines, "Note: "+text(k.Note))
	}
	if !p.Unmanaged.Empty() {
		notes.lines = append(notes.lines, text(p.unmanagedNote()))
	}
	if len(notes.lines) > 0 {
		notes.open, notes.sep, notes.close, notes.what = "\n", "\n\n", "\n", "notes"
	}
	if !p.Empty() {
		full = section{open: fmt.Sprintf("\n<details><summary>Full plan (%s)</summary>\n\n```diff\n", stepCount(len(p.Steps))),
			sep: "\n", close: "\n```\n\n</details>\n", what: "lines of the full plan"}
		for _, obj := range byObject(p.Steps) {
			sym, txt, rest := obj.head()
			full.lines = append(full.lines, sym+" "+txt)
			for _, s := range rest {
				full.lines = append(full.lines, s.symbol()+"     "+s.short())
			}
		}
	}
	order := []*section{&destructive, &access, &skipped, &notes, &full}
	cutOrder := []*section{&full, &skipped, &notes, &access, &destructive}
	for _, s := range order {
		s.keep = len(s.lines)
	}
	render := func() string {
		var b strings.Builder
		b.WriteString(head)
		for _, s := range order {
			if s.open != "" {
				s.render(&b, whole)
			}
		}
		return b.String()
	}
	for {
		out := render()
		over := len(out) - max
		var victim *section
		for _, s := range cutOrder {
			if s.keep > 0 {
				victim = s
				break
			}
		}
		if over <= 0 || victim == nil {
			_, err := io.WriteString(w, out)
			return err
		}
		if victim.keep == len(victim.lines) {
			over += 200 // room for the note that says what was cut
		}
		for victim.keep > 0 && over > 0 {
			victim.keep--
			over -= len(victim.lines[victim.keep]) + len(victim.sep)
		}
	}
}

// stepCount is "1 step" or "N steps".
func stepCount(n int) string {
	if n == 1 {
		return "1 step"
	}
	return fmt.Sprintf("%d steps", n)
}
