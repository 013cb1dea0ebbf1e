package spec

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLoadFilesGolden loads each directory of testdata/multi as one spec (recursive for the
// case named so) and compares what it gives with want.golden: the merged, expanded file and
// where each object came from, or every problem with its file, line and path.
func TestLoadFilesGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/multi/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			s, err := LoadFiles([]string{dir}, LoadOptions{Recursive: strings.HasPrefix(filepath.Base(dir), "recursive")})
			got := describeLoad(t, s, err)
			golden := filepath.Join(dir, "want.golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./spec -run TestLoadFilesGolden -update)", err)
			}
			if d := cmp.Diff(string(want), got); d != "" {
				t.Errorf("%s (-want +got):\n%s", golden, d)
			}
		})
	}
}

func describeLoad(t *testing.T, s *Spec, err error) string {
	t.Helper()
	var b strings.Builder
	if err != nil {
		var ps *Problems
		if !errors.As(err, &ps) {
			return "error: " + err.Error() + "\n"
		}
		b.WriteString("problems:\n")
		for _, l := range ps.Lines() {
			b.WriteString(l + "\n")
		}
		return b.String()
	}
	b.WriteString("files:\n")
	for _, f := range s.Files {
		fmt.Fprintf(&b, "  %s\n", f.Path)
	}
	b.WriteString("sources:\n")
	for _, n := range s.State.GroupNames() {
		fmt.Fprintf(&b, "  privilege group %s: %s\n", n, s.SourceOf(KindGroup, n))
	}
	for _, n := range s.State.RoleNames() {
		fmt.Fprintf(&b, "  role %s: %s\n", n, s.SourceOf(KindRole, n))
	}
	for _, n := range s.State.UserNames() {
		fmt.Fprintf(&b, "  user %s: %s\n", n, s.SourceOf(KindUser, n))
	}
	s.NoSchemaComment = true
	out, err := Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	b.WriteString("expanded:\n")
	b.Write(out)
	return b.String()
}

// TestListFiles: a directory gives its YAML files sorted, not its subdirectories unless
// recursive; a file named twice counts once; an empty directory is an error that says why.
func TestListFiles(t *testing.T) {
	got, err := ListFiles([]string{"testdata/multi/recursive"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"testdata/multi/recursive/top.yaml"}, got); d != "" {
		t.Errorf("not recursive (-want +got):\n%s", d)
	}
	got, err = ListFiles([]string{"testdata/multi/merge", "testdata/multi/merge/team-a.yaml"}, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"testdata/multi/merge/00-base.yaml", "testdata/multi/merge/team-a.yaml", "testdata/multi/merge/team-b.yml"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("merge (-want +got):\n%s", d)
	}
	empty := t.TempDir()
	if err := os.Mkdir(filepath.Join(empty, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = ListFiles([]string{empty}, false)
	if err == nil || !strings.Contains(err.Error(), "holds no .yaml or .yml file (subdirectories are read only with --recursive)") {
		t.Errorf("empty directory: %v", err)
	}
}

// TestLoadFilesDigests: every file's digest is recorded, and the spec's digest changes when
// any file changes.
func TestLoadFilesDigests(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.yaml", "version: 1\nroles: [{name: a}]\n")
	write("b.yaml", "version: 1\nroles: [{name: b}]\n")
	s1, err := LoadFiles([]string{dir}, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s1.Files) != 2 || s1.Files[0].Digest == s1.Files[1].Digest {
		t.Fatalf("files: %+v", s1.Files)
	}
	write("b.yaml", "version: 1\nroles: [{name: b}, {name: c}]\n")
	s2, err := LoadFiles([]string{dir}, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if s1.Digest == s2.Digest || s1.Files[0].Digest != s2.Files[0].Digest {
		t.Errorf("digests: %s %s; files %+v %+v", s1.Digest, s2.Digest, s1.Files, s2.Files)
	}
}

// TestTemplateVariablesFromOutside: variables given by a targets file override the file's.
func TestTemplateVariablesFromOutside(t *testing.T) {
	s, err := LoadFiles([]string{"testdata/multi/variables"}, LoadOptions{Variables: map[string][]string{"databases": {"eu_sales"}}})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"eu_sales_reader"}, s.State.RoleNames()); d != "" {
		t.Errorf("roles (-want +got):\n%s", d)
	}
}
