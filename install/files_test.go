package install

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"gopkg.in/yaml.v3"
)

// root is the repository root, where the files under test live.
const root = ".."

func read(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func readYAML(t *testing.T, name string, v any) {
	t.Helper()
	if err := yaml.Unmarshal([]byte(read(t, name)), v); err != nil {
		t.Fatalf("%s is not valid YAML: %v", name, err)
	}
}

// makefileBuild is what the Makefile's build target builds: the package and the variable its
// ldflags stamp the version into.
type makefileBuild struct {
	Package    string
	VersionVar string
}

func readMakefile(t *testing.T) makefileBuild {
	t.Helper()
	mk := read(t, "Makefile")
	ld := regexp.MustCompile(`(?m)^LDFLAGS\s*:=\s*-X\s+(\S+)=\$\(VERSION\)\s*$`).FindStringSubmatch(mk)
	if ld == nil {
		t.Fatal("Makefile: no LDFLAGS := -X <var>=$(VERSION) line")
	}
	build := regexp.MustCompile(`(?m)^\t\$\(GO\) build -ldflags "\$\(LDFLAGS\)" -o \$\(BIN\)/milvus-rbac (\S+)\s*$`).FindStringSubmatch(mk)
	if build == nil {
		t.Fatal("Makefile: no build line for $(BIN)/milvus-rbac using $(LDFLAGS)")
	}
	return makefileBuild{Package: build[1], VersionVar: ld[1]}
}

// versionVar returns the variable a -ldflags value stamps with -X, "" when none.
func versionVar(ldflags string) string {
	m := regexp.MustCompile(`-X[ =](\S+?)=`).FindStringSubmatch(ldflags)
	if m == nil {
		return ""
	}
	return m[1]
}
