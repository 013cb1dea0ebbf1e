package plan

import (
	"fmt"
	"io"
	"strings"
)

// MaxMarkdown is the size cap of the markdown rendering, below GitHub's 65,536-character limit
// on a comment, with room for a bot's own header.
const MaxMarkdown = 60000

// MarkdownOptions shape the markdown rendering.
type MarkdownOptions struct {
	// SpecName names the spec file.
	SpecName string
	// Preface is markdown placed right after the summary line (the access delta).
	Preface string
	// Max is the size cap; MaxMarkdown when zero.
	Max int
}

// WriteMarkdown renders p as a pull-request comment: a one-line summary first, the destructive
// steps listed before anything else, then the full plan inside a <details> block. When the
// whole would pass the cap, the lists are cut at a line and the comment says what was cut.
func (p *Plan) WriteMarkdown(w io.Writer, o MarkdownOptions) error {
	max := o.Max
	if max == 0 {
		max = MaxMarkdown
	}
	name := o.SpecName
	if name == "" {
		name = "the spec file"
	}
	var head strings.Builder
	if p.Empty() {
		fmt.Fprintf(&head, "### milvus-rbac: no changes\n\nThe cluster matches `%s`.\n", name)
	} else {
		fmt.Fprintf(&head, "### milvus-rbac plan for `%s`: %s\n", name, p.Counts())
	}
	var preface []string
	if o.Preface != "" {
		preface = strings.Split(strings.TrimRight(o.Preface, "\n"), "\n")
	}

	var destructive []string
	for _, s := range p.Destructive() {
		destructive = append(destructive, "- `-` "+s.Description())
	}
	var full []string
	for _, obj := range byObject(p.Steps) {
		sym, text, rest := obj.head()
		full = append(full, sym+" "+text)
		for _, s := range rest {
			full = append(full, s.symbol()+"     "+s.short())
		}
	}
	var notes []string
	for _, k := range p.Kept {
		notes = append(notes, "- "+k.Note)
	}
	if !p.Unmanaged.Empty() {
		notes = append(notes, fmt.Sprintf("- Unmanaged (not in the file, left alone in mode %s): %s.", p.Mode, p.Unmanaged.String()))
	}

	// Render with every list whole; if too long, shrink the full plan first, then the
	// preface (the access delta), then the destructive list, keeping the summary and the notes.
	keepFull, keepPre, keepDestr := len(full), len(preface), len(destructive)
	for {
		out := renderMarkdown(head.String(), preface, keepPre, destructive, keepDestr, full, keepFull, notes, len(p.Steps))
		if len(out) <= max || (keepFull == 0 && keepPre == 0 && keepDestr == 0) {
			_, err := io.WriteString(w, out)
			return err
		}
		over := len(out) - max
		switch {
		case keepFull > 0:
			keepFull = cut(full, keepFull, over)
		case keepPre > 0:
			keepPre = cut(preface, keepPre, over)
		default:
			keepDestr = cut(destructive, keepDestr, over)
		}
	}
}

// cut returns how many of the first keep lines remain after removing about over characters.
func cut(lines []string, keep, over int) int {
	for keep > 0 && over > 0 {
		keep--
		over -= len(lines[keep]) + 1
	}
	return keep
}

func renderMarkdown(head string, preface []string, keepPre int, destructive []string, keepDestr int, full []string, keepFull int, notes []string, steps int) string {
	var b strings.Builder
	b.WriteString(head)
	if len(preface) > 0 {
		b.WriteString("\n" + strings.Join(preface[:keepPre], "\n"))
		if keepPre < len(preface) {
			if keepPre > 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "- … %d more line(s) cut to fit a comment: see the full plan in the job log", len(preface)-keepPre)
		}
		b.WriteString("\n")
	}
	if len(destructive) > 0 {
		fmt.Fprintf(&b, "\n**⚠ %d destructive step(s)** (revoke access or drop objects):\n\n", len(destructive))
		b.WriteString(strings.Join(destructive[:keepDestr], "\n"))
		if keepDestr < len(destructive) {
			if keepDestr > 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "- … and %d more destructive step(s), cut to fit a comment: see the full plan in the job log", len(destructive)-keepDestr)
		}
		b.WriteString("\n")
	}
	if len(notes) > 0 {
		b.WriteString("\n" + strings.Join(notes, "\n") + "\n")
	}
	if steps > 0 {
		fmt.Fprintf(&b, "\n<details><summary>Full plan (%d steps)</summary>\n\n```diff\n", steps)
		b.WriteString(strings.Join(full[:keepFull], "\n"))
		if keepFull < len(full) {
			if keepFull > 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "… %d more line(s) cut to fit a comment: see the full plan in the job log", len(full)-keepFull)
		}
		b.WriteString("\n```\n\n</details>\n")
	}
	return b.String()
}
