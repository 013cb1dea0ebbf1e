package install

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// goreleaser is the part of .goreleaser.yaml the tests read.
type goreleaser struct {
	Version int `yaml:"version"`
	Before  struct {
		Hooks []string `yaml:"hooks"`
	} `yaml:"before"`
	Builds []struct {
		ID      string   `yaml:"id"`
		Main    string   `yaml:"main"`
		Binary  string   `yaml:"binary"`
		Env     []string `yaml:"env"`
		Flags   []string `yaml:"flags"`
		Ldflags []string `yaml:"ldflags"`
		Goos    []string `yaml:"goos"`
		Goarch  []string `yaml:"goarch"`
	} `yaml:"builds"`
	Archives []struct {
		NameTemplate    string   `yaml:"name_template"`
		Formats         []string `yaml:"formats"`
		FormatOverrides []struct {
			Goos    string   `yaml:"goos"`
			Formats []string `yaml:"formats"`
		} `yaml:"format_overrides"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
		Algorithm    string `yaml:"algorithm"`
	} `yaml:"checksum"`
	Changelog struct {
		Use string `yaml:"use"`
	} `yaml:"changelog"`
}

func readGoreleaser(t *testing.T) goreleaser {
	t.Helper()
	var g goreleaser
	readYAML(t, ".goreleaser.yaml", &g)
	if len(g.Builds) != 1 || len(g.Archives) != 1 {
		t.Fatalf(".goreleaser.yaml: %d builds and %d archives, want one each", len(g.Builds), len(g.Archives))
	}
	return g
}

// archiveName renders the archive name template for one target, as goreleaser would for
// the templates this configuration uses.
func (g goreleaser) archiveName(version, goos, goarch string) string {
	ext := g.Archives[0].Formats[0]
	for _, o := range g.Archives[0].FormatOverrides {
		if o.Goos == goos {
			ext = o.Formats[0]
		}
	}
	return render(g.Archives[0].NameTemplate, version, goos, goarch) + "." + ext
}

func (g goreleaser) checksumsName(version string) string {
	return render(g.Checksum.NameTemplate, version, "", "")
}

func render(tmpl, version, goos, goarch string) string {
	return strings.NewReplacer("{{ .ProjectName }}", "milvus-rbac", "{{ .Version }}", version,
		"{{ .Os }}", goos, "{{ .Arch }}", goarch).Replace(tmpl)
}

// TestGoreleaserConfig checks the release configuration against the Makefile and the issue:
// static binaries for three systems and two architectures, the version stamped where the
// Makefile stamps it, sha256 checksums, a changelog.
func TestGoreleaserConfig(t *testing.T) {
	g := readGoreleaser(t)
	mk := readMakefile(t)
	b := g.Builds[0]
	if g.Version != 2 {
		t.Errorf("version %d, want 2 (the goreleaser v2 schema)", g.Version)
	}
	if b.Main != mk.Package || b.Binary != "milvus-rbac" {
		t.Errorf("builds main %q binary %q, want the Makefile's package %q and milvus-rbac", b.Main, b.Binary, mk.Package)
	}
	if !slices.Contains(b.Env, "CGO_ENABLED=0") || !slices.Contains(b.Flags, "-trimpath") {
		t.Errorf("builds env %v flags %v: want CGO_ENABLED=0 and -trimpath", b.Env, b.Flags)
	}
	ld := strings.Join(b.Ldflags, " ")
	if v := versionVar(ld); v != mk.VersionVar || !strings.Contains(ld, mk.VersionVar+"={{ .Version }}") {
		t.Errorf("ldflags %q stamp %q, want %s={{ .Version }}", ld, v, mk.VersionVar)
	}
	if got := slices.Sorted(slices.Values(b.Goos)); !slices.Equal(got, []string{"darwin", "linux", "windows"}) {
		t.Errorf("goos %v", b.Goos)
	}
	if got := slices.Sorted(slices.Values(b.Goarch)); !slices.Equal(got, []string{"amd64", "arm64"}) {
		t.Errorf("goarch %v", b.Goarch)
	}
	if g.Checksum.Algorithm != "sha256" {
		t.Errorf("checksum algorithm %q: action.yml and the CI examples check with sha256sum", g.Checksum.Algorithm)
	}
	if g.Changelog.Use != "git" {
		t.Errorf("changelog use %q, want git (from commits)", g.Changelog.Use)
	}
	if got := g.archiveName("1.2.3", "windows", "arm64"); got != "milvus-rbac_1.2.3_windows_arm64.zip" {
		t.Errorf("windows archive %s", got)
	}
	if got := g.archiveName("1.2.3", "linux", "amd64"); got != "milvus-rbac_1.2.3_linux_amd64.tar.gz" {
		t.Errorf("linux archive %s", got)
	}
	for _, h := range g.Before.Hooks {
		if f := strings.Fields(h); len(f) == 2 && f[0] == "sh" {
			if _, err := os.Stat(filepath.Join(root, f[1])); err != nil {
				t.Errorf("before hook %q: %v", h, err)
			}
		}
	}
}

// TestReleaseSnapshot checks what make release-check's snapshot build left in dist/: every
// archive of the six targets is in the checksums file with its right SHA-256, holds the binary
// (static for linux), the README and, when the binary has a completion command, the completion
// scripts; the binary for this machine prints the snapshot's version.
func TestReleaseSnapshot(t *testing.T) {
	dist := os.Getenv("MILVUS_RBAC_DIST")
	if dist == "" {
		t.Skip("set MILVUS_RBAC_DIST to goreleaser's dist directory; make release-check builds it and runs this test")
	}
	g := readGoreleaser(t)
	var meta struct {
		Version string `json:"version"`
	}
	data, err := os.ReadFile(filepath.Join(dist, "metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &meta); err != nil || meta.Version == "" {
		t.Fatalf("dist/metadata.json: %v %s", err, data)
	}
	sums := map[string]string{}
	f, err := os.Open(filepath.Join(dist, g.checksumsName(meta.Version)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for sc := bufio.NewScanner(f); sc.Scan(); {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("checksums line %q is not sha256sum's format", sc.Text())
		}
		sums[name] = sum
	}
	if len(sums) != 6 {
		t.Errorf("checksums file lists %d files, want 6 archives: %v", len(sums), sums)
	}
	for _, goos := range g.Builds[0].Goos {
		for _, goarch := range g.Builds[0].Goarch {
			name := g.archiveName(meta.Version, goos, goarch)
			path := filepath.Join(dist, name)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			h := sha256.Sum256(data)
			if sums[name] != hex.EncodeToString(h[:]) {
				t.Errorf("%s: sha256 %x, checksums file says %q", name, h, sums[name])
			}
			bin := "milvus-rbac"
			if goos == "windows" {
				bin += ".exe"
			}
			files := archiveFiles(t, path)
			for _, want := range []string{bin, "README.md", "examples/operator-roles.yaml"} {
				if _, ok := files[want]; !ok {
					t.Errorf("%s lacks %s: %v", name, want, slices.Sorted(maps.Keys(files)))
				}
			}
			extracted := filepath.Join(t.TempDir(), bin)
			if err := os.WriteFile(extracted, files[bin], 0o755); err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %s %d bytes (archive %d bytes)", name, bin, len(files[bin]), len(data))
			if goos == "linux" {
				checkStatic(t, extracted)
			}
			if goos != runtime.GOOS || goarch != runtime.GOARCH {
				continue
			}
			out, err := exec.Command(extracted, "--version").CombinedOutput()
			if err != nil || !strings.Contains(string(out), meta.Version) {
				t.Errorf("%s --version: %s %v, want %s", bin, out, err, meta.Version)
			}
			if exec.Command(extracted, "completion", "bash").Run() == nil {
				for _, sh := range []string{"bash", "zsh", "fish"} {
					if len(files["completions/milvus-rbac."+sh]) == 0 {
						t.Errorf("%s lacks completions/milvus-rbac.%s, and the binary has a completion command", name, sh)
					}
				}
			} else {
				t.Logf("this build has no completion command: the archives carry no completion scripts")
			}
		}
	}
}

// archiveFiles returns the regular files of a .tar.gz or .zip archive by path.
func archiveFiles(t *testing.T, path string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	if strings.HasSuffix(path, ".zip") {
		z, err := zip.OpenReader(path)
		if err != nil {
			t.Fatal(err)
		}
		defer z.Close()
		for _, f := range z.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			out[f.Name], _ = io.ReadAll(rc)
			rc.Close()
		}
		return out
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			out[h.Name], _ = io.ReadAll(tr)
		}
	}
	return out
}
