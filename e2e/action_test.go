package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
)

// actionStep is one step of action.yml, as the tests here run it.
type actionStep struct {
	Name string `yaml:"name"`
	Run  string `yaml:"run"`
}

// actionSteps reads the steps of the GitHub Action at the repository root.
func actionSteps(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile("../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Runs struct {
			Steps []actionStep `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	out := map[string]string{}
	for _, s := range a.Runs.Steps {
		out[strings.Fields(s.Name)[0]] = s.Run
	}
	return out
}

// stepRun is one run of an Action step: its output, exit code and the outputs it set.
type stepRun struct {
	Out     string
	Code    int
	Outputs map[string]string
}

// runAction runs a step's script as GitHub runs `shell: bash` (bash -e -o pipefail), with the
// binary under test first on PATH and env added.
func runAction(t *testing.T, script string, env ...string) stepRun {
	t.Helper()
	dir := t.TempDir()
	outputs := filepath.Join(dir, "github_output")
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script)
	cmd.Env = append([]string{"PATH=" + filepath.Dir(binary) + ":" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"RUNNER_TEMP=" + dir, "GITHUB_OUTPUT=" + outputs}, env...)
	out, err := cmd.CombinedOutput()
	r := stepRun{Out: string(out), Outputs: map[string]string{}}
	if exit, ok := err.(*exec.ExitError); ok {
		r.Code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(outputs)
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			r.Outputs[k] = v
		}
	}
	return r
}

// TestActionRunsCommandsAndKeepsExitCodes runs the Action's run step with the real binary
// against the emulator: plan with changes succeeds with exit-code 2 and both plan files, or
// fails with fail-on-changes; apply of the saved plan succeeds; drift is then clean; a wrong
// token fails the step with exit-code 1.
func TestActionRunsCommandsAndKeepsExitCodes(t *testing.T) {
	steps := actionSteps(t)
	run := steps["milvus-rbac"]
	c := newCluster(t, emulator.Options{})
	inputs := func(command string, extra ...string) []string {
		return append(append([]string{"INPUT_COMMAND=" + command, "INPUT_FILE=" + quickstart, "INPUT_ARGS=",
			"INPUT_SAVED_PLAN=", "INPUT_FAIL_ON_CHANGES=false", "INPUT_URI=" + c.URI, "INPUT_TOKEN=" + c.Token}, quickstartEnv...), extra...)
	}

	plan := runAction(t, run, inputs("plan")...)
	if plan.Code != 0 || plan.Outputs["exit-code"] != "2" {
		t.Fatalf("plan with changes: step exit %d, exit-code %q\n%s", plan.Code, plan.Outputs["exit-code"], plan.Out)
	}
	md, err := os.ReadFile(plan.Outputs["markdown-path"])
	if err != nil || !strings.Contains(string(md), "### milvus-rbac plan for `"+quickstart+"`: 6 to create") {
		t.Errorf("markdown-path %q: %v\n%s", plan.Outputs["markdown-path"], err, md)
	}
	saved, err := os.ReadFile(plan.Outputs["json-path"])
	var doc map[string]any
	if err != nil || json.Unmarshal(saved, &doc) != nil {
		t.Fatalf("json-path %q: %v\n%s", plan.Outputs["json-path"], err, saved)
	}
	savedPath := filepath.Join(t.TempDir(), "plan.json")
	must(t, os.WriteFile(savedPath, saved, 0o644))

	strict := runAction(t, run, inputs("plan", "INPUT_FAIL_ON_CHANGES=true", "INPUT_ARGS=--milvus-version 2.5.27 --no-color")...)
	if strict.Code != 2 || strict.Outputs["exit-code"] != "2" {
		t.Errorf("plan with changes and fail-on-changes: step exit %d, exit-code %q\n%s", strict.Code, strict.Outputs["exit-code"], strict.Out)
	}
	drift := runAction(t, run, inputs("drift", "INPUT_FAIL_ON_CHANGES=true")...)
	if drift.Code != 2 || !strings.Contains(drift.Out, "missing") {
		t.Errorf("drift with fail-on-changes: step exit %d\n%s", drift.Code, drift.Out)
	}

	apply := runAction(t, run, inputs("apply", "INPUT_SAVED_PLAN="+savedPath)...)
	if apply.Code != 0 || apply.Outputs["exit-code"] != "0" || !strings.Contains(apply.Out, "The cluster matches") {
		t.Fatalf("apply of the saved plan: step exit %d, exit-code %q\n%s", apply.Code, apply.Outputs["exit-code"], apply.Out)
	}
	clean := runAction(t, run, inputs("drift", "INPUT_FAIL_ON_CHANGES=true")...)
	if clean.Code != 0 || clean.Outputs["exit-code"] != "0" {
		t.Errorf("drift after apply: step exit %d, exit-code %q\n%s", clean.Code, clean.Outputs["exit-code"], clean.Out)
	}

	denied := runAction(t, run, inputs("plan", "INPUT_TOKEN=root:wrong-password")...)
	if denied.Code != 1 || denied.Outputs["exit-code"] != "1" {
		t.Errorf("plan with a wrong token: step exit %d, exit-code %q\n%s", denied.Code, denied.Outputs["exit-code"], denied.Out)
	}
	bad := runAction(t, run, inputs("destroy")...)
	if bad.Code != 1 || !strings.Contains(bad.Out, "command must be plan, apply, drift or check") {
		t.Errorf("unknown command: step exit %d\n%s", bad.Code, bad.Out)
	}
}

// TestActionKeepsOneStickyComment runs the Action's comment step twice with a stand-in for
// gh that records its calls: the first run posts a comment carrying the hidden marker, the
// second finds it and updates it in place.
func TestActionKeepsOneStickyComment(t *testing.T) {
	comment := actionSteps(t)["Comment"]
	dir := t.TempDir()
	log := filepath.Join(dir, "gh.log")
	existing := filepath.Join(dir, "existing")
	// The stand-in answers the search for the marked comment with the id in $existing, if any.
	gh := "#!/bin/sh\nprintf '%s\\n' \"$*\" >> " + log + "\ncase \"$*\" in *--paginate*) cat " + existing + " 2>/dev/null || true ;; esac\n"
	bin := filepath.Join(dir, "bin")
	must(t, os.MkdirAll(bin, 0o755))
	must(t, os.WriteFile(filepath.Join(bin, "gh"), []byte(gh), 0o755))
	md := filepath.Join(dir, "plan.md")
	must(t, os.WriteFile(md, []byte("### milvus-rbac plan\n\n- `+` create role reader\n"), 0o644))
	env := []string{"PATH=" + bin + ":" + os.Getenv("PATH"), "GH_TOKEN=x", "PR=7", "MD=" + md,
		"INPUT_FILE=access.yaml", "GITHUB_REPOSITORY=acme/rbac"}

	r := runAction(t, comment, env...)
	calls, _ := os.ReadFile(log)
	if r.Code != 0 || !strings.Contains(string(calls), "--method POST repos/acme/rbac/issues/7/comments -f body=<!-- milvus-rbac-plan: access.yaml -->\n### milvus-rbac plan") {
		t.Fatalf("first run: exit %d\n%s\ngh calls:\n%s", r.Code, r.Out, calls)
	}
	must(t, os.WriteFile(existing, []byte("4242\n"), 0o644))
	must(t, os.Remove(log))
	r = runAction(t, comment, env...)
	calls, _ = os.ReadFile(log)
	if r.Code != 0 || !strings.Contains(string(calls), "--method PATCH repos/acme/rbac/issues/comments/4242 -f body=<!-- milvus-rbac-plan: access.yaml -->") ||
		strings.Contains(string(calls), "POST") {
		t.Errorf("second run: exit %d\n%s\ngh calls:\n%s", r.Code, r.Out, calls)
	}
}
