package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/milvus-rbac/milvus-rbac"

// imports are the imports of the production files of each package of the tree, by directory
// ("main" for the root), tests left out.
func imports(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		if pkg == "." {
			pkg = "main"
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if !slices.Contains(out[pkg], p) {
				out[pkg] = append(out[pkg], p)
			}
		}
		if _, ok := out[pkg]; !ok {
			out[pkg] = nil
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// block reads the lines "name -> a b c" of the fenced block of kind in docs/architecture.md.
func block(t *testing.T, kind string) map[string][]string {
	t.Helper()
	doc, err := os.ReadFile("docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```" + kind + "\n(.*?)```").FindSubmatch(doc)
	if m == nil {
		t.Fatalf("docs/architecture.md has no %s block", kind)
	}
	out := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(m[1])), "\n") {
		from, to, ok := strings.Cut(line, "->")
		if !ok {
			t.Fatalf("docs/architecture.md: %q is not an arrow", line)
		}
		to2 := strings.Fields(to)
		slices.Sort(to2)
		out[strings.TrimSpace(from)] = to2
	}
	return out
}

// TestArchitectureArrows checks that every package imports exactly the packages of the project
// docs/architecture.md says it does, and that nothing but main and fleet (which runs the
// commands over many clusters) imports command.
func TestArchitectureArrows(t *testing.T) {
	stated := block(t, "arrows")
	for pkg, imps := range imports(t) {
		var project []string
		for _, p := range imps {
			if rest, ok := strings.CutPrefix(p, module+"/"); ok {
				project = append(project, rest)
			}
		}
		slices.Sort(project)
		if pkg != "main" && pkg != "fleet" && slices.Contains(project, "command") {
			t.Errorf("%s imports command: only main and fleet may", pkg)
		}
		if pkg == "e2e" && len(project) == 0 {
			continue // tests only
		}
		want, ok := stated[pkg]
		if !ok {
			t.Errorf("package %s is not in the arrows of docs/architecture.md (it imports %v)", pkg, project)
			continue
		}
		if !slices.Equal(want, project) {
			t.Errorf("%s imports %v; docs/architecture.md says %v", pkg, project, want)
		}
		delete(stated, pkg)
	}
	for pkg := range stated {
		t.Errorf("docs/architecture.md states arrows of %s, which is not a package of the tree", pkg)
	}
}

// TestArchitectureIO checks the I/O rules of docs/architecture.md: who may import net/http,
// and which packages import no I/O package at all.
func TestArchitectureIO(t *testing.T) {
	rules := block(t, "io")
	all := imports(t)
	for pkg, imps := range all {
		if slices.Contains(imps, "net/http") && !slices.Contains(rules["net/http"], pkg) {
			t.Errorf("%s imports net/http: only %v may", pkg, rules["net/http"])
		}
	}
	for _, pkg := range rules["pure"] {
		imps, ok := all[pkg]
		if !ok {
			t.Errorf("docs/architecture.md: %s is not a package of the tree", pkg)
		}
		for _, io := range []string{"os", "os/exec", "net", "net/http", "net/url"} {
			if slices.Contains(imps, io) {
				t.Errorf("%s imports %s: docs/architecture.md says it does no I/O", pkg, io)
			}
		}
	}
}
