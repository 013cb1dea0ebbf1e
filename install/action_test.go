package install

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// action is the part of action.yml the tests read.
type action struct {
	Name   string `yaml:"name"`
	Inputs map[string]struct {
		Required bool   `yaml:"required"`
		Default  string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

type actionStep struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Shell string            `yaml:"shell"`
	Env   map[string]string `yaml:"env"`
	Run   string            `yaml:"run"`
}

func readAction(t *testing.T) action {
	t.Helper()
	var a action
	readYAML(t, "action.yml", &a)
	return a
}

// step returns the step whose name starts with prefix.
func (a action) step(t *testing.T, prefix string) actionStep {
	t.Helper()
	for _, s := range a.Runs.Steps {
		if strings.HasPrefix(s.Name, prefix) {
			return s
		}
	}
	t.Fatalf("action.yml has no step %q", prefix)
	return actionStep{}
}

func TestActionInterface(t *testing.T) {
	a := readAction(t)
	if a.Runs.Using != "composite" {
		t.Errorf("runs.using %q, want composite", a.Runs.Using)
	}
	if !a.Inputs["version"].Required {
		t.Error("input version must be required: the Action runs a pinned release")
	}
	for _, in := range []string{"command", "file", "args", "working-directory", "comment", "fail-on-changes", "uri", "token", "saved-plan"} {
		if _, ok := a.Inputs[in]; !ok {
			t.Errorf("action.yml lacks input %s", in)
		}
	}
	for _, out := range []string{"exit-code", "markdown-path", "json-path"} {
		if !strings.Contains(a.Outputs[out].Value, "steps.run.outputs."+out) {
			t.Errorf("output %s is %q, want the run step's", out, a.Outputs[out].Value)
		}
	}
	expr := regexp.MustCompile(`\$\{\{`)
	for _, s := range a.Runs.Steps {
		if s.Shell != "bash" {
			t.Errorf("step %q: shell %q, want bash (every runner has it)", s.Name, s.Shell)
		}
		// Inputs reach scripts through env, never pasted into the script: a file name or
		// argument cannot inject shell.
		if expr.MatchString(s.Run) {
			t.Errorf("step %q pastes an expression into its script; pass it through env", s.Name)
		}
	}
}

// release is a fake release server: archives holding a milvus-rbac that prints its version,
// and the checksums file, laid out as GitHub serves release assets.
type release struct {
	*httptest.Server
	mu        sync.Mutex
	requested []string
}

func newRelease(t *testing.T, g goreleaser, version string, tamper bool) *release {
	t.Helper()
	r := &release{}
	files := map[string][]byte{}
	var sums bytes.Buffer
	for _, goos := range g.Builds[0].Goos {
		for _, goarch := range g.Builds[0].Goarch {
			name := g.archiveName(version, goos, goarch)
			data := fakeArchive(t, name, version)
			sum := sha256.Sum256(data)
			if tamper {
				sum[0] ^= 0xff
			}
			fmt.Fprintf(&sums, "%x  %s\n", sum, name)
			files[name] = data
		}
	}
	files[g.checksumsName(version)] = sums.Bytes()
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.requested = append(r.requested, req.URL.Path)
		r.mu.Unlock()
		dir, name := filepath.Split(req.URL.Path)
		if data, ok := files[name]; ok && dir == "/v"+version+"/" {
			w.Write(data)
			return
		}
		http.NotFound(w, req)
	}))
	t.Cleanup(r.Close)
	return r
}

func fakeArchive(t *testing.T, name, version string) []byte {
	t.Helper()
	script := []byte("#!/bin/sh\necho \"milvus-rbac version " + version + "\"\n")
	var buf bytes.Buffer
	if strings.HasSuffix(name, ".zip") {
		z := zip.NewWriter(&buf)
		w, _ := z.Create("milvus-rbac.exe")
		w.Write(script)
		z.Close()
		return buf.Bytes()
	}
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, f := range []struct {
		name string
		data []byte
	}{{"README.md", []byte("# milvus-rbac\n")}, {"milvus-rbac", script}} {
		tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o755, Size: int64(len(f.data)), Typeflag: tar.TypeReg})
		tw.Write(f.data)
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// runStep runs a step's script as GitHub runs shell: bash, with env added to a clean
// environment, and returns the combined output and the exit code.
func runStep(t *testing.T, s actionStep, env map[string]string) (string, int) {
	t.Helper()
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", s.Run)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

// TestActionInstall runs the Action's install step against a fake release server: it fetches
// the archive goreleaser names for the runner's system, checks it against the checksums file
// before unpacking it, and refuses an unpinned version.
func TestActionInstall(t *testing.T) {
	a := readAction(t)
	g := readGoreleaser(t)
	install := a.step(t, "Install")
	const version = "1.2.3"
	for _, tc := range []struct{ os, arch, goos, goarch string }{
		{"Linux", "X64", "linux", "amd64"}, {"Linux", "ARM64", "linux", "arm64"},
		{"macOS", "ARM64", "darwin", "arm64"}, {"macOS", "X64", "darwin", "amd64"},
	} {
		t.Run(tc.os+"/"+tc.arch, func(t *testing.T) {
			rel := newRelease(t, g, version, false)
			tmp, path := t.TempDir(), filepath.Join(t.TempDir(), "path")
			out, code := runStep(t, install, map[string]string{
				"INPUT_VERSION": "v" + version, "INPUT_DOWNLOAD_URL": rel.URL + "/",
				"RUNNER_OS": tc.os, "RUNNER_ARCH": tc.arch, "RUNNER_TEMP": tmp, "GITHUB_PATH": path,
			})
			if code != 0 {
				t.Fatalf("install exit %d:\n%s", code, out)
			}
			want := []string{"/v" + version + "/" + g.archiveName(version, tc.goos, tc.goarch), "/v" + version + "/" + g.checksumsName(version)}
			if !slices.Equal(rel.requested, want) {
				t.Errorf("requested %v, want %v", rel.requested, want)
			}
			dir, _ := os.ReadFile(path)
			bin := filepath.Join(strings.TrimSpace(string(dir)), "milvus-rbac")
			if v, err := exec.Command(bin, "--version").Output(); err != nil || !strings.Contains(string(v), version) {
				t.Errorf("%s --version: %s %v", bin, v, err)
			}
			if !strings.Contains(out, "OK") {
				t.Errorf("no checksum check in the output:\n%s", out)
			}
		})
	}

	t.Run("a tampered archive is not unpacked", func(t *testing.T) {
		rel := newRelease(t, g, version, true)
		tmp := t.TempDir()
		out, code := runStep(t, install, map[string]string{
			"INPUT_VERSION": version, "INPUT_DOWNLOAD_URL": rel.URL,
			"RUNNER_OS": "Linux", "RUNNER_ARCH": "X64", "RUNNER_TEMP": tmp, "GITHUB_PATH": filepath.Join(tmp, "path"),
		})
		if code == 0 || !strings.Contains(out, "FAILED") {
			t.Errorf("install of a tampered archive: exit %d\n%s", code, out)
		}
		if _, err := os.Stat(filepath.Join(tmp, "milvus-rbac-"+version, "milvus-rbac")); err == nil {
			t.Error("the tampered archive was unpacked")
		}
		if _, err := os.Stat(filepath.Join(tmp, "path")); err == nil {
			t.Error("the tampered binary was put on the PATH")
		}
	})

	for _, v := range []string{"latest", "", "main", "1.2"} {
		t.Run("version "+v+" is refused", func(t *testing.T) {
			rel := newRelease(t, g, version, false)
			tmp := t.TempDir()
			out, code := runStep(t, install, map[string]string{
				"INPUT_VERSION": v, "INPUT_DOWNLOAD_URL": rel.URL,
				"RUNNER_OS": "Linux", "RUNNER_ARCH": "X64", "RUNNER_TEMP": tmp, "GITHUB_PATH": filepath.Join(tmp, "path"),
			})
			if code == 0 || !strings.Contains(out, "pinned release") || len(rel.requested) > 0 {
				t.Errorf("version %q: exit %d, requests %v\n%s", v, code, rel.requested, out)
			}
		})
	}
}
