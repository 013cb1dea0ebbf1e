package access

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/markdown/mdtest"
)

// manyUsers is 300 new users with role writer, one of whom also gets admin, beside existing
// users who lose a role and one who gains one: the case where a per-user delta runs to
// thousands of lines.
func manyUsers() []UserDelta {
	roles := []string{"writer:CollectionReadWrite@default.*,DatabaseReadOnly@default.*", "reader:Search@default.*"}
	before := []string{"old_a:writer", "old_b:writer", "old_c:writer", "old_d:"}
	after := []string{"old_a:", "old_b:", "old_c:", "old_d:reader"}
	for i := range 300 {
		r := "writer"
		if i == 7 {
			r = "writer,admin"
		}
		after = append(after, fmt.Sprintf("new_%03d:%s", i, r))
	}
	return Delta(Compute(st(before, roles, nil), Options{}), Compute(st(after, roles, nil), Options{}))
}

func TestCompressFoldsSharedChanges(t *testing.T) {
	c := Compress(manyUsers())
	byText := map[string]Fold{}
	for _, f := range c.Folds {
		byText[f.sentence(plain)] = f
	}
	for text, users := range map[string]int{
		"role writer: 300 new users gain CollectionReadWrite on default.* (25 privileges); DatabaseReadOnly on default.* (2 privileges)": 300,
		"role writer: 3 users lose CollectionReadWrite on default.* (25 privileges); DatabaseReadOnly on default.* (2 privileges)":       3,
	} {
		f, ok := byText[text]
		if !ok {
			t.Errorf("no fold %q among %v", text, keys(byText))
			continue
		}
		if len(f.Users) != users {
			t.Errorf("%q: %d users, want %d (the JSON keeps them all)", text, len(f.Users), users)
		}
	}
	// The escalation is never folded: new_007 is listed on its own with it.
	var esc []string
	for _, d := range c.Users {
		for _, ch := range d.Gained {
			if ch.Escalation {
				esc = append(esc, d.User+" "+ch.Privilege)
			}
		}
	}
	if len(esc) != 1 || esc[0] != "new_007 admin" {
		t.Errorf("escalations outside folds = %v, want [new_007 admin]", esc)
	}
	// old_d is alone in gaining Search: not folded.
	found := false
	for _, d := range c.Users {
		found = found || d.User == "old_d"
	}
	if !found {
		t.Error("old_d's own change is missing")
	}
}

func keys(m map[string]Fold) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestDeltaTextScales checks the text delta of 300 new users: a few dozen lines, each group's
// privileges once, and every user line under its own user's heading.
func TestDeltaTextScales(t *testing.T) {
	var b bytes.Buffer
	if err := WriteDeltaText(&b, manyUsers()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	ls := lines(out)
	if len(ls) > 40 {
		t.Errorf("the delta of 300 new users is %d lines, want at most 40:\n%s", len(ls), out)
	}
	if n := strings.Count(out, "Compaction, CreateIndex"); n != 1 {
		t.Errorf("CollectionReadWrite's privileges are listed %d times, want once:\n%s", n, out)
	}
	for _, want := range []string{
		"  role writer: 300 new users gain CollectionReadWrite on default.* (25 privileges); DatabaseReadOnly on default.* (2 privileges)\n      new_000, new_001,",
		"new_019 and 280 more\n",
		"  new user new_007\n    ⚠ gains admin",
		"  user old_d\n      gains Search on default.* via role reader\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the delta lacks %q:\n%s", want, out)
		}
	}
	// Structure: under a heading "  new user X", "  user X" or "  dropped user X", only that
	// user's lines (indented deeper) until the next heading.
	for i, l := range ls {
		if strings.HasPrefix(l, "  ") && !strings.HasPrefix(l, "   ") && strings.Contains(l, "user ") && !strings.Contains(l, ":") {
			for _, next := range ls[i+1:] {
				if !strings.HasPrefix(next, "    ") {
					break
				}
				if strings.Contains(next, "new_") || strings.Contains(next, "old_") {
					t.Errorf("under %q, a line names a user: %q", l, next)
				}
			}
		}
	}
}

// TestDeltaMarkdownRendersAsMeant renders the markdown delta with a CommonMark implementation:
// one list of changes, the folds among them, names as code, no emphasis but the escalation
// marker, and the group privileges in a list of their own.
func TestDeltaMarkdownRendersAsMeant(t *testing.T) {
	var b bytes.Buffer
	if err := WriteDeltaMarkdown(&b, manyUsers()); err != nil {
		t.Fatal(err)
	}
	root, html, err := mdtest.Parse(b.String())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(root.All("em", "del")); n > 0 {
		t.Errorf("%d emphasis or strikethrough elements:\n%s", n, html)
	}
	for _, s := range root.All("strong") {
		if s.Text() != "escalation" {
			t.Errorf("unexpected bold %q", s.Text())
		}
	}
	lists := root.All("ul")
	if len(lists) != 2 {
		t.Fatalf("%d lists, want the changes and the group privileges:\n%s", len(lists), html)
	}
	items := lists[0].All("li")
	if len(items) > 12 {
		t.Errorf("%d items in the change list, want a few", len(items))
	}
	if got := items[0].Text(); !strings.HasPrefix(got, "⚠ escalation: new_007 (new user) gains admin") {
		t.Errorf("first item is not the escalation: %q", got)
	}
	want := "role writer: 300 new users gain CollectionReadWrite on default.* (25 privileges); DatabaseReadOnly on default.* (2 privileges): new_000, new_001"
	ok := false
	for _, it := range items {
		ok = ok || strings.HasPrefix(it.Text(), want)
	}
	if !ok {
		t.Errorf("no item %q:\n%s", want, html)
	}
}
