package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
)

// mutations counts the calls that change the cluster.
func mutations(e *emulator.Server) int {
	n := 0
	for endpoint, calls := range e.Calls() {
		if !strings.HasSuffix(endpoint, "/list") && !strings.HasSuffix(endpoint, "/describe") {
			n += calls
		}
	}
	return n
}

// copyQuickstart copies the quickstart into a temporary directory, so that a test may edit it.
func copyQuickstart(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(quickstart)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "access.yaml", string(data))
}

func TestSavedPlanIsAppliedExactlyOnce(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	f := copyQuickstart(t)
	saved := filepath.Join(t.TempDir(), "plan.json")
	expect(t, c.run(t, quickstartEnv, "plan", "-f", f, "--out", saved), 0, "Saved the plan to "+saved)

	r := c.run(t, quickstartEnv, "apply", "--plan", saved)
	expect(t, r, 0, "Apply: 15 done, 0 failed, 0 skipped.", "The cluster matches")

	if c.Emu != nil {
		c.Emu.ResetCalls()
	}
	r = c.run(t, quickstartEnv, "apply", "--plan", saved)
	expect(t, r, 0, "Nothing left to do: the cluster already matches", "Nothing was changed.")
	if c.Emu != nil && mutations(c.Emu) != 0 {
		t.Errorf("the second apply changed the cluster: %v", c.Emu.Calls())
	}
}

func TestStalePlanChangesNothing(t *testing.T) {
	cases := map[string]struct {
		change func(t *testing.T, c *cluster, specFile string)
		want   []string
	}{
		"the cluster changed in scope": {
			change: func(t *testing.T, c *cluster, _ string) {
				must(t, c.Client.CreateRole(context.Background(), "reader"))
			},
			want: []string{"saved but no longer needed: create role reader"},
		},
		"the spec file changed": {
			change: func(t *testing.T, _ *cluster, specFile string) {
				data, _ := os.ReadFile(specFile)
				must(t, os.WriteFile(specFile, bytes.Replace(data, []byte("roles: [writer]"), []byte("roles: [reader]"), 1), 0o644))
			},
			want: []string{"changed since the plan was made"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := newCluster(t, emulator.Options{})
			f := copyQuickstart(t)
			saved := filepath.Join(t.TempDir(), "plan.json")
			expect(t, c.run(t, quickstartEnv, "plan", "-f", f, "--out", saved), 0)
			tc.change(t, c, f)
			if c.Emu != nil {
				c.Emu.ResetCalls()
			}
			r := c.run(t, quickstartEnv, "apply", "--plan", saved)
			expect(t, r, 1, append(tc.want, "is stale", "nothing was changed; run plan again")...)
			if c.Emu != nil && mutations(c.Emu) != 0 {
				t.Errorf("a stale plan changed the cluster: %v", c.Emu.Calls())
			}
		})
	}
}

func TestSavedPlanIgnoresChangesOutOfScope(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	saved := filepath.Join(t.TempDir(), "plan.json")
	expect(t, c.run(t, quickstartEnv, "plan", "-f", quickstart, "--out", saved), 0)
	// An unmanaged user (adopt mode) is outside the plan's scope.
	must(t, c.Client.CreateUser(context.Background(), "mallory", "Mallory-Pw-1"))
	expect(t, c.run(t, quickstartEnv, "apply", "--plan", saved), 0, "The cluster matches")
}

func TestSavedPlanRefusesAnotherSpecFile(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	saved := filepath.Join(t.TempDir(), "plan.json")
	expect(t, c.run(t, quickstartEnv, "plan", "-f", quickstart, "--out", saved), 0)
	expect(t, c.run(t, quickstartEnv, "apply", "--plan", saved, "-f", "../examples/multi-database.yaml"), 1,
		"was made from ../examples/quickstart.yaml, not ../examples/multi-database.yaml")
	// MILVUS_RBAC_FILE is the default of -f, not a second spec file: a saved plan ignores it.
	env := append([]string{"MILVUS_RBAC_FILE=../examples/multi-database.yaml"}, quickstartEnv...)
	expect(t, c.run(t, env, "apply", "--plan", saved), 0, "The cluster matches ../examples/quickstart.yaml.")
}

func TestMarkdownAndDiffFormats(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	expect(t, c.run(t, quickstartEnv, "apply", "-f", quickstart, "--auto-approve"), 0)
	must(t, c.Client.GrantRole(context.Background(), "bob", "writer"))

	r := c.run(t, nil, "plan", "-f", quickstart, "--format", "markdown")
	expect(t, r, 0, "### milvus-rbac plan for `../examples/quickstart.yaml`: 0 to create, 0 to grant, 1 to revoke, 0 to drop",
		"**⚠ 1 destructive step(s)**", "- `-` revoke role writer from user bob", "<details>")
	r = c.run(t, nil, "plan", "-f", quickstart, "--format", "diff")
	expect(t, r, 0, "--- live/user/bob\n+++ desired/user/bob\n", "-roles: [reader, writer]\n+roles: [reader]\n")
	expect(t, c.run(t, nil, "plan", "-f", quickstart, "--format", "yaml"), 1, `unknown --format "yaml"`)
	expect(t, c.run(t, nil, "plan", "-f", quickstart, "--format", "markdwon"), 1, `unknown --format "markdwon" (did you mean "markdown"?): use one of text, json, markdown, diff`)
}

// TestCIExamplesUseRealCommands checks that every milvus-rbac command in the CI examples exists
// and takes the flags the example passes it.
func TestCIExamplesUseRealCommands(t *testing.T) {
	files, _ := filepath.Glob("../examples/ci/*.yml")
	if len(files) < 2 {
		t.Fatalf("CI examples: %v", files)
	}
	c := &cluster{}
	call := regexp.MustCompile(`milvus-rbac ([a-z]+)((?: +[^ |>&;]+)*)`)
	checked := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var anyDoc any
		if err := yaml.Unmarshal(data, &anyDoc); err != nil {
			t.Fatalf("%s is not valid YAML: %v", f, err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "#") || strings.Contains(line, "go install") {
				continue
			}
			for _, m := range call.FindAllStringSubmatch(line, -1) {
				cmd := m[1]
				help := c.run(t, nil, cmd, "--help")
				if help.Code != 0 || !strings.Contains(help.Stdout, "milvus-rbac "+cmd) {
					t.Errorf("%s: milvus-rbac %s is not a command:\n%s", f, cmd, help)
					continue
				}
				for _, arg := range strings.Fields(m[2]) {
					if !strings.HasPrefix(arg, "-") {
						continue
					}
					if !strings.Contains(help.Stdout, strings.SplitN(arg, "=", 2)[0]+" ") {
						t.Errorf("%s: milvus-rbac %s does not take %s", f, cmd, arg)
					}
				}
				checked++
			}
		}
	}
	if checked < 6 {
		t.Errorf("only %d milvus-rbac calls found in the CI examples", checked)
	}
}
