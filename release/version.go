package release

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
)

// Version is a Milvus release number, major.minor.patch.
type Version struct {
	Major, Minor, Patch int
}

// V returns the version major.minor.patch.
func V(major, minor, patch int) Version { return Version{major, minor, patch} }

// Parse reads "2.5.27", "v2.6.4" or "2.6" (patch 0). A suffix after the patch
// ("2.6.4-hotfix", "2.5.10+build") is ignored: Milvus tags patch builds that way.
func Parse(s string) (Version, error) {
	t := strings.TrimPrefix(strings.TrimSpace(s), "v")
	if i := strings.IndexAny(t, "-+ "); i >= 0 {
		t = t[:i]
	}
	parts := strings.Split(t, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return Version{}, fmt.Errorf("Milvus version %q: want major.minor.patch, e.g. 2.5.27", s)
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || p == "" {
			return Version{}, fmt.Errorf("Milvus version %q: %q is not a number", s, p)
		}
		n[i] = v
	}
	return Version{n[0], n[1], n[2]}, nil
}

// MustParse is Parse for constants; it panics on an error.
func MustParse(s string) Version {
	v, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

// LastPatch as a patch number stands for the last release of a line, whatever its number.
const LastPatch = 1 << 30

// String is "2.5.27", or "2.5.x" for the last release of the 2.5 line.
func (v Version) String() string {
	if v.Patch == LastPatch {
		return fmt.Sprintf("%d.%d.x", v.Major, v.Minor)
	}
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
}

// IsZero reports whether v is the zero Version (not known).
func (v Version) IsZero() bool { return v == Version{} }

// Compare returns -1, 0 or +1 as v is older than, the same as, or newer than w.
func (v Version) Compare(w Version) int {
	if c := cmp.Compare(v.Major, w.Major); c != 0 {
		return c
	}
	if c := cmp.Compare(v.Minor, w.Minor); c != 0 {
		return c
	}
	return cmp.Compare(v.Patch, w.Patch)
}

// Line is the release line of v, "2.5".
func (v Version) Line() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// sameLine reports whether v and w are on one release line.
func (v Version) sameLine(w Version) bool { return v.Major == w.Major && v.Minor == w.Minor }

// Since lists the first release that has a behaviour on each release line where it arrived
// on its own. A release has the behaviour when Since names a release of its own line no newer
// than it; when Since names none of its line, when it names a release of an older line (later
// lines branch off with everything older lines had). A backport is one more entry: {"2.5.25",
// "2.6.8"} is in 2.5.25 and later 2.5 releases, in 2.6.8 and later 2.6 releases, and in 3.0.
type Since []Version

// Has reports whether release v has the behaviour.
func (s Since) Has(v Version) bool {
	older := false
	for _, first := range s {
		if first.sameLine(v) {
			return v.Compare(first) >= 0
		}
		older = older || first.Compare(v) < 0
	}
	return older
}

// String is "2.4.16, 2.5.0".
func (s Since) String() string {
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = v.String()
	}
	return strings.Join(parts, ", ")
}

// since is Since from version strings, for the table.
func since(vs ...string) Since {
	out := make(Since, len(vs))
	for i, s := range vs {
		out[i] = MustParse(s)
	}
	return out
}
