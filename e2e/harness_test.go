package e2e

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/milvus"
	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "milvus-rbac-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "milvus-rbac")
	build := exec.Command("go", "build", "-o", binary, "..")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build milvus-rbac:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// cluster is where a test runs its commands: a fresh emulator, or the live cluster.
type cluster struct {
	URI   string
	Token string
	// Emu is nil on a live cluster.
	Emu    *emulator.Server
	Client *milvus.Client
}

// live reports whether the suite runs against a real cluster.
func live() bool { return os.Getenv("MILVUS_LIVE") == "1" }

// newCluster starts a fresh emulator, or empties the live cluster: MILVUS_LIVE=1 is the
// user's consent that the cluster at MILVUS_URI is disposable (make test-live says so).
func newCluster(t *testing.T, opts emulator.Options) *cluster {
	t.Helper()
	c := &cluster{}
	if live() {
		c.URI, c.Token = os.Getenv("MILVUS_URI"), os.Getenv("MILVUS_TOKEN")
		if c.URI == "" {
			t.Skip("MILVUS_LIVE=1 needs MILVUS_URI (and MILVUS_TOKEN) of a disposable cluster, e.g. examples/docker-compose.yml")
		}
		if c.Token == "" {
			c.Token = "root:Milvus"
		}
	} else {
		opts = matrixOptions(t, opts)
		c.Emu = emulator.New(opts)
		srv := httptest.NewServer(c.Emu)
		t.Cleanup(srv.Close)
		c.URI, c.Token = srv.URL, "root:Milvus"
		if opts.RootPassword != "" {
			c.Token = "root:" + opts.RootPassword
		}
	}
	client, err := milvus.New(milvus.Config{URI: c.URI, Token: c.Token})
	if err != nil {
		t.Fatal(err)
	}
	c.Client = client
	if live() {
		resetLive(t, c)
	}
	return c
}

// resetLive drops every user but root and every custom role and privilege group, so that each
// test starts from a fresh cluster as it does on the emulator.
func resetLive(t *testing.T, c *cluster) {
	t.Helper()
	ctx := context.Background()
	l, err := c.Client.Read(ctx)
	if err != nil {
		t.Fatalf("read live cluster: %v", err)
	}
	for _, u := range l.State.UserNames() {
		if u != "root" {
			if err := c.Client.DropUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, r := range l.State.RoleNames() {
		if r == "admin" || r == "public" {
			continue
		}
		for _, g := range l.State.Roles[r].Grants {
			if err := c.Client.RevokePrivilege(ctx, r, g); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.Client.DropRole(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	for _, g := range l.State.GroupNames() {
		if err := c.Client.DropPrivilegeGroup(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
}

// result is what one run of the binary printed and returned.
type result struct {
	Stdout, Stderr string
	Code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.Code, r.Stdout, r.Stderr)
}

// run runs the binary with args against c, with env added to a clean environment.
func (c *cluster) run(t *testing.T, env []string, args ...string) result {
	t.Helper()
	return c.runIn(t, "", nil, env, args...)
}

// command is the binary with args, run against c with env added to a clean environment.
func (c *cluster) command(dir string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"MILVUS_URI=" + c.URI, "MILVUS_TOKEN=" + c.Token}, env...)
	return cmd
}

// expect fails the test unless r exited with code and its stdout or stderr holds each of subs.
func expect(t *testing.T, r result, code int, subs ...string) {
	t.Helper()
	if r.Code != code {
		t.Fatalf("exit %d, want %d\n%s", r.Code, code, r)
	}
	for _, s := range subs {
		if !strings.Contains(r.Stdout+r.Stderr, s) {
			t.Errorf("output lacks %q\n%s", s, r)
		}
	}
}

// writeFile writes a spec file into a temporary directory and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
