package mdtest

import (
	"fmt"
	"regexp"
	"strings"
)

// bold are the only texts a milvus-rbac comment sets in bold: the destructive heading, the
// access heading, and the escalation marker.
var bold = regexp.MustCompile(`^(⚠ \d+ destructive step\(s\)|Effective access changes|escalation)$`)

// note starts the paragraphs that are notes: what was kept, unmanaged, skipped, or cut.
var note = regexp.MustCompile(`(?m)^(Note: |Unmanaged \(|Not shown, to fit a comment|And \d+ more destructive|Skipped \(|Privileges of the groups named above)`)

// CheckComment renders a milvus-rbac pull-request comment as GitHub would and returns what is
// wrong with it, as the README describes it: a level-3 summary heading first; no emphasis,
// strikethrough, link, image or table that the text did not ask for (bold only for the
// destructive heading, the access heading and escalations); every note a paragraph outside
// every list, and no list item that reads like a note; the destructive steps, when there are
// any, in a list of their own right after their heading, each item starting "-"; the full
// plan, when present, as a diff code block inside <details>, after everything else.
func CheckComment(md string) (*Node, []string) {
	root, html, err := Parse(md)
	if err != nil {
		return nil, []string{err.Error()}
	}
	var problems []string
	bad := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	blocks := root.Blocks()
	if len(blocks) == 0 || blocks[0].Tag != "h3" || !strings.HasPrefix(blocks[0].Text(), "milvus-rbac") {
		bad("the comment does not start with the summary heading")
	}
	if n := root.All("h1", "h2", "h4", "h5", "h6"); len(n) > 0 {
		bad("an unexpected heading: %q", n[0].Text())
	}
	for _, n := range root.All("em", "del", "a", "img", "table", "blockquote", "hr") {
		bad("unexpected <%s>: %q", n.Tag, n.Text())
	}
	for _, n := range root.All("strong") {
		if !bold.MatchString(n.Text()) {
			bad("unexpected bold: %q", n.Text())
		}
	}
	// Code spans hold names, patterns and privileges, which have no spaces: a code span with a
	// space means a backquote in the text opened one it did not ask for. The spec file's path,
	// in the summary heading, is the exception.
	for _, c := range root.All("code") {
		if !c.Inside("pre") && !c.Inside("h3") && strings.ContainsAny(c.Text(), " \t") {
			bad("a code span the text did not ask for: %q", c.Text())
		}
	}
	for _, li := range root.All("li") {
		if note.MatchString(li.Text()) {
			bad("a note inside a list: %q", li.Text())
		}
		for _, p := range li.All("p") {
			if note.MatchString(p.Text()) {
				bad("a note inside a list item: %q", p.Text())
			}
		}
	}
	for _, p := range root.All("p") {
		if note.MatchString(p.Text()) && (p.Inside("li") || p.Inside("ul") || p.Inside("ol")) {
			bad("a note inside a list: %q", p.Text())
		}
	}
	for i, b := range blocks {
		if b.Tag != "p" || len(b.All("strong")) == 0 || !strings.Contains(b.Text(), "destructive step(s)") {
			continue
		}
		if i+1 < len(blocks) && blocks[i+1].Tag == "ul" {
			for _, li := range blocks[i+1].All("li") {
				if !strings.HasPrefix(li.Text(), "- ") {
					bad("an item of the destructive list is not a destructive step: %q", li.Text())
				}
			}
		}
	}
	// The order the README gives: destructive steps, then access changes, then the full plan.
	at := map[string]int{}
	for i, b := range blocks {
		text := b.Text()
		switch {
		case b.Tag == "p" && strings.Contains(text, "destructive step(s)") && len(b.All("strong")) > 0:
			at["destructive"] = i + 1
		case b.Tag == "p" && text == "Effective access changes":
			at["access"] = i + 1
		case b.Tag == "details":
			at["details"] = i + 1
		}
	}
	for _, pair := range [][2]string{{"destructive", "access"}, {"access", "details"}, {"destructive", "details"}} {
		if a, b := at[pair[0]], at[pair[1]]; a > 0 && b > 0 && a > b {
			bad("%s comes after %s", pair[0], pair[1])
		}
	}
	details := root.All("details")
	if len(details) > 1 {
		bad("%d <details> blocks, want at most one", len(details))
	}
	for _, d := range details {
		if len(d.All("summary")) != 1 || !strings.HasPrefix(d.All("summary")[0].Text(), "Full plan (") {
			bad("the <details> block is not the full plan")
		}
	}
	if len(problems) > 0 {
		problems = append(problems, "HTML:\n"+html)
	}
	return root, problems
}
