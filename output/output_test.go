package output

import "testing"

func TestParse(t *testing.T) {
	for in, want := range map[string]Format{"": Text, "text": Text, "json": JSON} {
		if got, err := Parse(in, Text, JSON); err != nil || got != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	_, err := Parse("markdwon", Text, JSON, Markdown, Diff)
	if want := `unknown --format "markdwon" (did you mean "markdown"?): use one of text, json, markdown, diff`; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	if _, err := Parse("markdown", Text, JSON); err == nil {
		t.Error("a format the command does not have is accepted")
	}
}

func TestMajor(t *testing.T) {
	for v, want := range map[string]string{"1.1": "1", "1": "1", "2.0": "2", "": ""} {
		if got := Major(v); got != want {
			t.Errorf("Major(%q) = %q, want %q", v, got, want)
		}
	}
}
