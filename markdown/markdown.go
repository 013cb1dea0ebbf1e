package markdown

import "strings"

// special are the characters that can change how inline text renders on GitHub: emphasis
// (* _), code (`), links and images ([ ] !), HTML and autolinks (< >), entities (&),
// strikethrough (~), math ($), tables (|), and the backslash itself.
const special = "\\`*_[]!<>&~$|"

// Text escapes s for use as plain inline text: each special character gets a backslash, so
// that "revoke ClusterAdmin on *.*" renders as written.
func Text(s string) string {
	if !strings.ContainsAny(s, special) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(special, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Code renders s as a code span, which shows its content literally: fenced by one more
// backtick than the longest run of backticks inside, and padded with a space when s starts
// or ends with a backtick (CommonMark strips one space on each side).
func Code(s string) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || (strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ") && strings.TrimSpace(s) != "") {
		s = " " + s + " "
	}
	return fence + s + fence
}
