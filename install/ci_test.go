package install

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const (
	readerSecret  = "MILVUS_READER_TOKEN"
	applierSecret = "MILVUS_APPLIER_TOKEN"
)

// githubWorkflow is the part of a GitHub Actions workflow the tests read.
type githubWorkflow struct {
	Env  map[string]string `yaml:"env"`
	Jobs map[string]struct {
		Environment string            `yaml:"environment"`
		Env         map[string]string `yaml:"env"`
		Steps       []struct {
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			With map[string]string `yaml:"with"`
			Env  map[string]string `yaml:"env"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

func yamlText(t *testing.T, v any) string {
	t.Helper()
	b, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestGitHubExampleUsesThePinnedActionAndSplitsTokens checks examples/ci/github-actions.yml:
// every use of the Action is pinned to a release tag equal to its version input and passes
// only inputs action.yml has; the job that applies uses the applier secret in a protected
// environment, and no other job or the workflow's env mentions it; plan and drift use the
// reader secret.
func TestGitHubExampleUsesThePinnedActionAndSplitsTokens(t *testing.T) {
	var wf githubWorkflow
	readYAML(t, "examples/ci/github-actions.yml", &wf)
	a := readAction(t)
	if strings.Contains(yamlText(t, wf.Env), "TOKEN") {
		t.Errorf("the workflow's env holds a token, which every job would get: %v", wf.Env)
	}
	pinned := regexp.MustCompile(`^milvus-rbac/milvus-rbac@v(\d+\.\d+\.\d+)$`)
	commands := map[string]bool{}
	appliers := 0
	for name, job := range wf.Jobs {
		applies := false
		for _, st := range job.Steps {
			if strings.Contains(st.Run, "milvus-rbac apply") {
				applies = true
			}
			if !strings.HasPrefix(st.Uses, "milvus-rbac/") {
				continue
			}
			m := pinned.FindStringSubmatch(st.Uses)
			if m == nil {
				t.Errorf("job %s: uses %s, want milvus-rbac/milvus-rbac@vX.Y.Z", name, st.Uses)
				continue
			}
			if st.With["version"] != m[1] {
				t.Errorf("job %s: the Action is %s but its version input is %q: the two pins must agree", name, st.Uses, st.With["version"])
			}
			for in := range st.With {
				if _, ok := a.Inputs[in]; !ok {
					t.Errorf("job %s: action.yml has no input %s", name, in)
				}
			}
			cmd := cmp(st.With["command"], a.Inputs["command"].Default)
			if !slices.Contains([]string{"plan", "apply", "drift", "check"}, cmd) {
				t.Errorf("job %s: command %q", name, cmd)
			}
			commands[cmd] = true
			if cmd == "apply" {
				applies = true
			}
		}
		text := yamlText(t, job)
		switch {
		case applies:
			appliers++
			if !strings.Contains(text, "secrets."+applierSecret) || strings.Contains(text, readerSecret) {
				t.Errorf("job %s applies: it must use secrets.%s, and only it", name, applierSecret)
			}
			if job.Environment == "" {
				t.Errorf("job %s applies outside a protected environment: the applier secret belongs to one", name)
			}
		case strings.Contains(text, applierSecret):
			t.Errorf("job %s does not apply but can read %s", name, applierSecret)
		case !strings.Contains(text, "secrets."+readerSecret):
			t.Errorf("job %s reads the cluster without secrets.%s", name, readerSecret)
		}
	}
	if appliers != 1 {
		t.Errorf("%d jobs apply, want 1", appliers)
	}
	for _, c := range []string{"plan", "apply", "drift"} {
		if !commands[c] {
			t.Errorf("no job runs the Action's %s", c)
		}
	}
}

func cmp(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// TestGitLabExampleInstallsThePinnedReleaseAndSplitsTokens checks examples/ci/gitlab-ci.yml:
// it downloads the archive and checksums file goreleaser names for a pinned version and checks
// the archive with sha256sum before unpacking it; the apply job alone maps the applier
// variable to MILVUS_TOKEN, in an environment; every other job maps the reader's.
func TestGitLabExampleInstallsThePinnedReleaseAndSplitsTokens(t *testing.T) {
	var doc map[string]any
	readYAML(t, "examples/ci/gitlab-ci.yml", &doc)
	g := readGoreleaser(t)

	vars, _ := doc["variables"].(map[string]any)
	version, _ := vars["MILVUS_RBAC_VERSION"].(string)
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(version) {
		t.Errorf("MILVUS_RBAC_VERSION %q: pin a release", version)
	}
	if _, ok := vars["MILVUS_TOKEN"]; ok {
		t.Error("the pipeline's variables set MILVUS_TOKEN for every job")
	}
	install := yamlText(t, doc["default"])
	v := "${MILVUS_RBAC_VERSION}"
	archive, sums := g.archiveName(v, "linux", "amd64"), g.checksumsName(v)
	check := strings.Index(install, "sha256sum --check")
	unpack := strings.Index(install, "tar -xzf")
	if !strings.Contains(install, archive) || !strings.Contains(install, sums) || check < 0 || unpack < check {
		t.Errorf("default before_script must download %s and %s and check it with sha256sum before unpacking:\n%s", archive, sums, install)
	}

	appliers := 0
	for name, v := range doc {
		job, ok := v.(map[string]any)
		if !ok || job["script"] == nil {
			continue
		}
		text := yamlText(t, job)
		jobVars, _ := job["variables"].(map[string]any)
		token, _ := jobVars["MILVUS_TOKEN"].(string)
		if strings.Contains(yamlText(t, job["script"]), "milvus-rbac apply") {
			appliers++
			if token != "$"+applierSecret || job["environment"] == nil {
				t.Errorf("job %s applies: it must set MILVUS_TOKEN: $%s and an environment", name, applierSecret)
			}
			continue
		}
		if strings.Contains(text, applierSecret) {
			t.Errorf("job %s does not apply but reads %s", name, applierSecret)
		}
		if token != "$"+readerSecret {
			t.Errorf("job %s: MILVUS_TOKEN %q, want $%s", name, token, readerSecret)
		}
	}
	if appliers != 1 {
		t.Errorf("%d jobs apply, want 1", appliers)
	}
}

func TestNoLatestAnywhereUsersCopy(t *testing.T) {
	files := []string{"action.yml", "README.md", "Dockerfile", ".goreleaser.yaml"}
	ci, _ := filepath.Glob(filepath.Join(root, "examples/ci/*.yml"))
	if len(ci) < 2 {
		t.Fatalf("CI examples: %v", ci)
	}
	for _, f := range ci {
		files = append(files, strings.TrimPrefix(f, root+"/"))
	}
	for _, f := range files {
		if strings.Contains(read(t, f), "@latest") {
			t.Errorf("%s installs @latest: pin a release", f)
		}
	}
}
