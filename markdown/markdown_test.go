package markdown_test

import (
	"testing"

	"github.com/milvus-rbac/milvus-rbac/markdown"
	"github.com/milvus-rbac/milvus-rbac/markdown/mdtest"
)

// tricky are names and messages that render wrongly when written into markdown as they are.
var tricky = []string{
	"*.*", "default.*", "__init__", "_tmp_", "a*b*c", "role$x$y", "$a$", "~~gone~~", "a|b", "<b>bold</b>",
	"[link](http://x)", "![img](x)", "a & b &amp;", `back\slash`, "`tick`", "``", "a ` b", " spaced ",
	"1. not a list", "# not a heading", "x_y_z", "**strong**",
}

func TestTextAndCodeRenderAsWritten(t *testing.T) {
	for _, s := range tricky {
		for name, f := range map[string]func(string) string{"Text": markdown.Text, "Code": markdown.Code} {
			md := "before " + f(s) + " after\n"
			root, html, err := mdtest.Parse(md)
			if err != nil {
				t.Fatal(err)
			}
			ps := root.All("p")
			if len(ps) != 1 {
				t.Errorf("%s(%q): %d paragraphs: %s", name, s, len(ps), html)
				continue
			}
			if got, want := ps[0].Text(), "before "+s+" after"; got != want && !(name == "Code" && got == "before "+trimOne(s)+" after") {
				t.Errorf("%s(%q) renders as %q: %s", name, s, got, html)
			}
			if n := root.All("em", "strong", "del", "a", "img", "b", "math"); len(n) > 0 {
				t.Errorf("%s(%q) renders markup %s: %s", name, s, n[0].Tag, html)
			}
			codes := root.All("code")
			if name == "Text" && len(codes) > 0 || name == "Code" && len(codes) != 1 {
				t.Errorf("%s(%q) renders %d code spans: %s", name, s, len(codes), html)
			}
		}
	}
}

// trimOne is s as a code span shows it: CommonMark strips one leading and one trailing space
// when both are present (Code pads only when it must).
func trimOne(s string) string {
	if len(s) >= 2 && s[0] == ' ' && s[len(s)-1] == ' ' {
		return s[1 : len(s)-1]
	}
	return s
}
