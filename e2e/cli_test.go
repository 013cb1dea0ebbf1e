package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
)

// runIn runs the binary in dir, with stdin from stdin (nil: an empty reader).
func (c *cluster) runIn(t *testing.T, dir string, stdin *os.File, env []string, args ...string) result {
	t.Helper()
	cmd := c.command(dir, env, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if stdin != nil {
		cmd.Stdin = stdin
	} else {
		cmd.Stdin = strings.NewReader("")
	}
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return result{Stdout: out.String(), Stderr: errb.String(), Code: code}
}

// lockedBuffer is a buffer written by a process and read by the test while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// interrupt starts the binary, sends it SIGINT once its stderr holds after (at once when
// after is ""), and returns what it printed.
func (c *cluster) interrupt(t *testing.T, after string, env []string, args ...string) result {
	t.Helper()
	cmd := c.command("", env, args...)
	var out bytes.Buffer
	var errb lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	calls := 0
	if c.Emu != nil {
		calls = c.Emu.TotalCalls()
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the process is at work: it has printed after, and it has called the cluster
	// (so its signal handler is in place; a SIGINT before that would just kill it).
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) && (!strings.Contains(errb.String(), after) || (c.Emu != nil && c.Emu.TotalCalls() == calls)) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // let the process block in a call
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{Stdout: out.String(), Stderr: errb.String(), Code: code}
}

// TestNoInterruptMessageWithoutASignal: runs that end by themselves, with success or an
// error, never print the interrupt message. It used to come from a race (the context
// cancelled at return woke the goroutine that printed it, about once in 70 runs on two
// cores), so the quick runs are repeated; main_test.go tests the watcher directly.
func TestNoInterruptMessageWithoutASignal(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	runs := [][]string{
		{"access", "-f", quickstart, "--format", "json"},
		{"plan", "-f", quickstart, "--out", filepath.Join(t.TempDir(), "missing", "plan.json")},
		{"plan", "-f", quickstart},
	}
	for range 400 {
		runs = append(runs, []string{"export", "--help"})
	}
	env := append([]string{"GOMAXPROCS=2"}, quickstartEnv...)
	for _, args := range runs {
		r := c.run(t, env, args...)
		if strings.Contains(r.Stderr, "Interrupted") {
			t.Fatalf("%v printed the interrupt message without a signal:\n%s", args, r)
		}
	}
}

// TestInterruptIsWordedForTheCommand: a real Ctrl-C in a command that only reads says that
// it stops and changes nothing, not apply's "steps in flight".
func TestInterruptIsWordedForTheCommand(t *testing.T) {
	if live() {
		t.Skip("needs the emulator's latency")
	}
	c := newCluster(t, emulator.Options{Latency: 2 * time.Second})
	for _, cmd := range []string{"export", "access"} {
		r := c.interrupt(t, "", nil, cmd)
		if r.Code != 1 || !strings.Contains(r.Stderr, "Interrupted: "+cmd+" stops") || strings.Contains(r.Stderr, "in flight") {
			t.Errorf("%s interrupted:\n%s", cmd, r)
		}
	}
}

// TestApplyInterruptedListsSkippedStepsOnce: after Ctrl-C, each step not started is listed
// once, with a hint to run apply again, which then finishes the work.
func TestApplyInterruptedListsSkippedStepsOnce(t *testing.T) {
	if live() {
		t.Skip("needs the emulator's latency")
	}
	c := newCluster(t, emulator.Options{Latency: 300 * time.Millisecond})
	// Two spec files: the hint must name both as -f flags, not as the list "a, b" that
	// messages name a merged spec by.
	extra := filepath.Join(t.TempDir(), "extra.yaml")
	must(t, os.WriteFile(extra, []byte("version: 1\nroles:\n  - name: extra_role\n"), 0o644))
	r := c.interrupt(t, "[2/16]", quickstartEnv, "apply", "-f", quickstart, "-f", extra, "--auto-approve", "--concurrency", "1")
	expect(t, r, 1, "Interrupted: no new step starts", "Not started because of the interrupt (",
		"Run milvus-rbac apply -f "+quickstart+" -f "+extra+" again to finish")
	m := regexp.MustCompile(`Not started because of the interrupt \((\d+)\):\n((?:  .*\n)+)`).FindStringSubmatch(r.Stdout)
	if m == nil {
		t.Fatalf("no list of steps not started:\n%s", r)
	}
	listed := strings.Split(strings.TrimRight(m[2], "\n"), "\n")
	if fmt.Sprint(len(listed)) != m[1] || len(listed) == 0 {
		t.Fatalf("count %s, %d lines listed:\n%s", m[1], len(listed), r)
	}
	report := r.Stdout[strings.Index(r.Stdout, "\nApply: "):] + r.Stderr // after the plan
	for _, l := range listed {
		step := strings.TrimSpace(l)
		if n := strings.Count(report, step); n != 1 {
			t.Errorf("step %q is named %d times:\n%s", step, n, r)
		}
	}
	expect(t, c.run(t, quickstartEnv, "apply", "-f", quickstart, "-f", extra, "--auto-approve"), 0, "The cluster matches")
}

// TestApplyWithStdinFromDevNull: /dev/null is a character device but not a terminal; apply
// must not read the cluster, print the prompt and cancel.
func TestApplyWithStdinFromDevNull(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	r := c.runIn(t, "", null, quickstartEnv, "apply", "-f", quickstart)
	expect(t, r, 1, "stdin is not a terminal: pass --auto-approve")
	if strings.Contains(r.Stdout+r.Stderr, "Do you want") || strings.Contains(r.Stdout, "Apply cancelled") {
		t.Errorf("apply prompted with stdin from /dev/null:\n%s", r)
	}
}

// TestHelpSuggestionsVersionCompletion: help and help COMMAND work, a mistyped command or
// flag gets a suggestion, version prints the version, completion prints scripts.
func TestHelpSuggestionsVersionCompletion(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	r := c.run(t, nil, "help")
	expect(t, r, 0, "COMMANDS:", "plan", "apply", "completion", "version")
	r = c.run(t, nil, "help", "plan")
	expect(t, r, 0, "milvus-rbac plan - show what apply would change", "--detailed-exitcode", "--out FILE")
	if strings.Contains(r.Stdout+r.Stderr, "No help topic") {
		t.Errorf("help plan:\n%s", r)
	}
	r = c.run(t, nil, "plna")
	expect(t, r, 1, `unknown command "plna" (did you mean "plan"?)`)
	r = c.run(t, nil, "plan", "--fiel", "x.yaml")
	expect(t, r, 1, "unknown flag --fiel (did you mean --file?); run `milvus-rbac help plan` for the flags")
	r = c.run(t, nil, "--verison")
	expect(t, r, 1, "unknown flag --verison (did you mean --version?); run `milvus-rbac help` for the flags")
	r = c.run(t, nil, "help", "plna")
	expect(t, r, 1, `unknown command "plna" (did you mean "plan"?)`)
	r = c.run(t, nil, "version")
	expect(t, r, 0, "milvus-rbac dev (go")
	r = c.run(t, nil, "--version")
	expect(t, r, 0, "milvus-rbac dev (go")
	for shell, want := range map[string]string{"bash": "complete -o bashdefault -o default -F _milvus_rbac milvus-rbac",
		"zsh": "  compdef _milvus_rbac milvus-rbac", "fish": "complete -c milvus-rbac"} {
		expect(t, c.run(t, nil, "completion", shell), 0, want)
	}
	expect(t, c.run(t, nil, "completion", "bsh"), 1, `unknown shell (did you mean "bash"?)`)
	expect(t, c.run(t, nil, "check", "-f", quickstart), 1, "Error: --policy is required")
	// What the bash script asks the binary for: the commands, then a command's flags.
	r = c.run(t, nil, "--generate-bash-completion")
	expect(t, r, 0, "plan\n", "apply\n", "export\n")
	r = c.run(t, nil, "plan", "--fi", "--generate-bash-completion")
	expect(t, r, 0, "--file")
}

// TestRepeatedFlagsAreRefused: a single-valued flag given twice is refused (the flag package
// would keep the last one); -f repeats, and its files merge into one spec.
func TestRepeatedFlagsAreRefused(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	r := c.run(t, quickstartEnv, "plan", "-f", quickstart, "-f", "../examples/multi-database.yaml")
	expect(t, r, 1, "examples/multi-database.yaml:11: mode: mode differs from the one at ../examples/quickstart.yaml:11")
	r = c.run(t, quickstartEnv, "validate", "-f", quickstart, "-f", quickstart)
	expect(t, r, 0, "is valid")
	r = c.run(t, quickstartEnv, "validate", "--file", quickstart, "-f", quickstart)
	expect(t, r, 1, "-f and --file are mixed")
	r = c.run(t, quickstartEnv, "plan", "-f", quickstart, "--format", "json", "--format=text")
	expect(t, r, 1, "--format is given 2 times")
	// Lists may repeat.
	r = c.run(t, nil, "export", "--protect-user", "a*", "--protect-user", "b*")
	expect(t, r, 0)
}

// TestFlagValuesAreChecked: values that cannot work are refused, naming the flag.
func TestFlagValuesAreChecked(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	for flag, want := range map[string]string{
		"--retries=-1":    "--retries -1: give 0 (never retry) or more",
		"--concurrency=0": "--concurrency 0: give 1 or more",
		"--timeout=0s":    "--timeout 0s: give a duration above 0",
		"--deadline=-1s":  "--deadline -1s",
		"--rate=-2":       "--rate -2",
	} {
		for _, cmd := range []string{"plan", "export", "access"} {
			args := []string{cmd, flag}
			if cmd == "plan" {
				args = append(args, "-f", quickstart)
			}
			expect(t, c.run(t, quickstartEnv, args...), 1, want)
		}
	}
}

// TestNoColorOnEveryCommand: every command takes --no-color.
func TestNoColorOnEveryCommand(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	pol := "../examples/policies/least-privilege.yaml"
	for _, args := range [][]string{
		{"validate", "-f", quickstart}, {"plan", "-f", quickstart}, {"drift", "-f", quickstart},
		{"access", "-f", quickstart}, {"access"}, {"check", "-f", quickstart, "--policy", pol}, {"export"},
		{"apply", "-f", quickstart, "--auto-approve"},
	} {
		r := c.run(t, quickstartEnv, append(args, "--no-color")...)
		if r.Code == 1 {
			t.Errorf("%v --no-color:\n%s", args, r)
		}
	}
}

// TestExportRefusesToOverwrite: an existing file (hand-edited, with password references and
// comments) is kept unless --force.
func TestExportRefusesToOverwrite(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	expect(t, c.run(t, quickstartEnv, "apply", "-f", quickstart, "--auto-approve"), 0)
	out := writeFile(t, "access.yaml", "# hand-edited\nversion: 1\n")
	r := c.run(t, nil, "export", "-o", out)
	expect(t, r, 1, out+" exists: nothing was written; pass --force")
	if data, _ := os.ReadFile(out); string(data) != "# hand-edited\nversion: 1\n" {
		t.Fatalf("export overwrote the file:\n%s", data)
	}
	expect(t, c.run(t, nil, "export", "-o", out, "--force"), 0)
	if data, _ := os.ReadFile(out); !strings.Contains(string(data), "name: alice") {
		t.Fatalf("export --force wrote:\n%s", data)
	}
}

// TestExportSchemaReference: the $schema reference is right where the file lands: relative
// to a schema.json of this format found in the file's directory or above, or none at all.
func TestExportSchemaReference(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	schema, err := os.ReadFile("../schema.json")
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	must(t, os.WriteFile(filepath.Join(root, "schema.json"), schema, 0o644))
	must(t, os.MkdirAll(filepath.Join(root, "clusters", "prod"), 0o755))
	cases := map[string]string{
		filepath.Join(root, "access.yaml"):                "# yaml-language-server: $schema=schema.json\n",
		filepath.Join(root, "clusters", "prod", "a.yaml"): "# yaml-language-server: $schema=../../schema.json\n",
		filepath.Join(t.TempDir(), "a.yaml"):              "version: 1\n", // no schema.json anywhere above
	}
	for out, head := range cases {
		expect(t, c.run(t, nil, "export", "-o", out), 0)
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(data), head) {
			t.Errorf("%s starts:\n%s\nwant %q", out, data, head)
		}
	}
	// On stdout nobody knows where the file lands: no reference.
	r := c.run(t, nil, "export")
	expect(t, r, 0)
	if strings.Contains(r.Stdout, "$schema") {
		t.Errorf("export to stdout has a schema reference:\n%s", r.Stdout)
	}
}

// TestSavedPlansTravel: the spec path of a saved plan is relative to the plan file (apply
// --plan works from another directory), the cluster is compared by normalised URI, and a
// plan from another tool version is refused unless --allow-other-tool-version.
func TestSavedPlansTravel(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(work, "adopt"), 0o755))
	data, err := os.ReadFile(quickstart)
	if err != nil {
		t.Fatal(err)
	}
	must(t, os.WriteFile(filepath.Join(work, "adopt", "access.yaml"), data, 0o644))

	// plan in work/, from adopt/access.yaml, saved as adopt/plan.json.
	r := c.runIn(t, work, nil, quickstartEnv, "plan", "-f", "adopt/access.yaml", "--out", "adopt/plan.json")
	expect(t, r, 0, "Saved the plan to adopt/plan.json")
	var doc struct {
		ToolVersion string `json:"tool_version"`
		Spec        struct {
			Path string `json:"path"`
		} `json:"spec"`
	}
	raw, err := os.ReadFile(filepath.Join(work, "adopt", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	must(t, json.Unmarshal(raw, &doc))
	if doc.Spec.Path != "access.yaml" {
		t.Errorf("spec.path = %q, want access.yaml (relative to the plan file)", doc.Spec.Path)
	}

	// Another tool version: refused, naming both; allowed with the flag.
	other := bytes.Replace(raw, []byte(`"tool_version": "dev"`), []byte(`"tool_version": "0.9.0"`), 1)
	otherPlan := filepath.Join(work, "adopt", "other.json")
	must(t, os.WriteFile(otherPlan, other, 0o644))
	r = c.runIn(t, repo, nil, quickstartEnv, "apply", "--plan", otherPlan)
	expect(t, r, 1, "was made by milvus-rbac 0.9.0, and this is milvus-rbac dev", "--allow-other-tool-version")

	// From another directory, against the same cluster written another way.
	port := c.URI[strings.LastIndex(c.URI, ":")+1:]
	env := append([]string{"MILVUS_URI=http://LOCALHOST:" + port + "/"}, quickstartEnv...)
	r = c.runIn(t, repo, nil, env, "apply", "--plan", filepath.Join(work, "adopt", "plan.json"))
	// The spec file is named as short as it can be from where apply runs: absolute, or
	// relative when that is shorter (a checkout next to the temporary directory).
	specFile := filepath.Join(work, "adopt", "access.yaml")
	if abs, err := filepath.Abs(repo); err == nil {
		if rel, err := filepath.Rel(abs, specFile); err == nil && len(rel) < len(specFile) {
			specFile = rel
		}
	}
	expect(t, r, 0, "spec file "+specFile+",", "The cluster matches")

	expect(t, c.runIn(t, repo, nil, env, "apply", "--plan", otherPlan, "--allow-other-tool-version"), 0, "Nothing left to do")

	// Another cluster is still another cluster.
	c2 := newCluster(t, emulator.Options{})
	env = append([]string{"MILVUS_URI=" + c2.URI}, quickstartEnv...)
	r = c.runIn(t, repo, nil, env, "apply", "--plan", filepath.Join(work, "adopt", "plan.json"))
	expect(t, r, 1, "the plan was made against "+c.URI)
}

// TestOneErrorStyle: a single error is one line, several are "N problems:" with one "  -"
// line each, whatever produced them; never go-multierror's default layout.
func TestOneErrorStyle(t *testing.T) {
	c := newCluster(t, emulator.Options{MaxRoles: 3})
	// admin and public count: the second custom role fails, alone.
	file := writeFile(t, "access.yaml", "version: 1\nroles:\n  - name: a\n  - name: b\n")
	r := c.run(t, nil, "apply", "-f", file, "--auto-approve")
	expect(t, r, 1, "Error: apply "+file+": create role ")
	// Two users without a password: two problems in one list.
	file = writeFile(t, "access.yaml", "version: 1\nusers:\n  - name: u1\n  - name: u2\n")
	r = c.run(t, nil, "plan", "-f", file)
	expect(t, r, 1, "Error: 2 problems:\n  - user \"u1\"", "\n  - user \"u2\"")
	// A spec file with two problems reads the same way.
	file = writeFile(t, "access.yaml", "version: 1\nmode: sideways\nroles:\n  - name: 1r\n")
	r = c.run(t, nil, "validate", "-f", file)
	expect(t, r, 1, "Error: 2 problems:\n  - "+file+":2: mode:", "\n  - "+file+":4: roles[0].name:")
	for _, out := range []string{r.Stderr} {
		if strings.Contains(out, "error occurred") || strings.Contains(out, "\t* ") {
			t.Errorf("multierror's default layout:\n%s", out)
		}
	}
}

// TestBlockedStepGivesItsReasonOnce: a blocked password change names its reason once per
// line, in the progress and in the report.
func TestBlockedStepGivesItsReasonOnce(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	expect(t, c.run(t, quickstartEnv, "apply", "-f", quickstart, "--auto-approve"), 0)
	must(t, c.Client.UpdatePassword(context.Background(), "alice", alicePW, "Alice-Hand-Set-7"))
	r := c.run(t, quickstartEnv, "apply", "-f", quickstart, "--check-passwords", "--auto-approve")
	expect(t, r, 1, "blocked: change the password of user alice")
	for _, line := range strings.Split(r.Stdout+r.Stderr, "\n") {
		if strings.Count(line, "Milvus changes a password only given the old one") > 1 {
			t.Errorf("the reason is repeated on one line: %q", line)
		}
	}
}

// TestPlanWarnsPastDefaultLimits: a plan that takes the cluster past proxy.maxRoleNum or
// proxy.maxUserNum (built-ins included) says so, naming the setting; one within them does not.
func TestPlanWarnsPastDefaultLimits(t *testing.T) {
	c := newCluster(t, emulator.Options{MaxRoles: 100, MaxUsers: 1000})
	var b strings.Builder
	b.WriteString("version: 1\nroles:\n")
	for i := range 9 {
		fmt.Fprintf(&b, "  - name: r%d\n", i)
	}
	b.WriteString("users:\n")
	for i := range 100 {
		fmt.Fprintf(&b, "  - name: u%d\n    password: {env: PW}\n", i)
	}
	env := []string{"PW=Some-Password-1"}
	r := c.run(t, env, "plan", "-f", writeFile(t, "access.yaml", b.String()))
	expect(t, r, 0, "would hold 11 roles (admin and public included), more than 10, the default of proxy.maxRoleNum",
		"would hold 101 users (root included), more than 100, the default of proxy.maxUserNum")
	small := "version: 1\nroles:\n  - name: r0\nusers:\n  - name: u0\n    password: {env: PW}\n"
	r = c.run(t, env, "plan", "-f", writeFile(t, "access.yaml", small))
	expect(t, r, 0)
	if strings.Contains(r.Stderr, "maxRoleNum") || strings.Contains(r.Stderr, "maxUserNum") {
		t.Errorf("warning within the limits:\n%s", r)
	}
}

// TestReadmeGoVersionMatchesGoMod: the README names the Go version go.mod requires.
func TestReadmeGoVersionMatchesGoMod(t *testing.T) {
	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(mod)
	if m == nil {
		t.Fatal("go.mod has no go directive")
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range regexp.MustCompile(`Go (\d+\.\d+(?:\.\d+)?)`).FindAllSubmatch(readme, -1) {
		if string(v[1]) != string(m[1]) {
			t.Errorf("README says Go %s, go.mod needs %s", v[1], m[1])
		}
	}
}

// TestReadmeShowsRealHelp: the README's outputs of --help, help plan and completion bash are
// what the binary prints.
func TestReadmeShowsRealHelp(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	c := &cluster{}
	for _, args := range [][]string{{"--help"}, {"help", "plan"}, {"completion", "bash"}} {
		cmd := "$ milvus-rbac " + strings.Join(args, " ") + "\n"
		i := strings.Index(string(readme), cmd)
		if i < 0 {
			t.Errorf("README does not show %q", cmd)
			continue
		}
		block := string(readme)[i+len(cmd):]
		block = block[:strings.Index(block, "```")]
		r := c.run(t, nil, args...)
		expect(t, r, 0)
		if block != r.Stdout {
			t.Errorf("README's %q differs from the binary's output:\n%s\n--- binary:\n%s", cmd, block, r.Stdout)
		}
	}
}
