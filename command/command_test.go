package command

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestConnectionCheck(t *testing.T) {
	ok := Connection{Concurrency: 16, Timeout: 30 * time.Second, Retries: 3}
	cases := map[string]struct {
		change func(*Connection)
		want   string // "" when valid
	}{
		"the defaults":        {func(*Connection) {}, ""},
		"no retries is valid": {func(c *Connection) { c.Retries = 0 }, ""},
		"negative retries":    {func(c *Connection) { c.Retries = -1 }, "--retries -1: give 0 (never retry) or more"},
		"no concurrency":      {func(c *Connection) { c.Concurrency = 0 }, "--concurrency 0: give 1 or more calls at once"},
		"no timeout":          {func(c *Connection) { c.Timeout = 0 }, "--timeout 0s: give a duration above 0"},
		"negative deadline":   {func(c *Connection) { c.Deadline = -time.Second }, "--deadline -1s"},
		"negative rate":       {func(c *Connection) { c.Rate = -1 }, "--rate -1"},
		"two at once": {func(c *Connection) { c.Retries, c.Concurrency = -1, 0 },
			"2 problems:\n  - --concurrency 0: give 1 or more calls at once\n  - --retries -1"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := ok
			tc.change(&c)
			err := c.check()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("check = %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("check = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestFlagCount(t *testing.T) {
	args := []string{"milvus-rbac", "plan", "-f", "a.yaml", "--file=b.yaml", "--format", "json", "--", "-f"}
	if n := flagCount(args, "f", "file"); n != 2 {
		t.Errorf("flagCount = %d, want 2", n)
	}
	if flagOnCommandLine(args, "token") {
		t.Error("token is not on the command line")
	}
}

// TestApplyFileFromEnvironment: MILVUS_RBAC_FILE stands for a missing -f of apply, and not
// beside --plan, whose saved plan names its spec file.
func TestApplyFileFromEnvironment(t *testing.T) {
	env := func(out *bytes.Buffer) Env {
		return Env{Streams: Streams{In: strings.NewReader(""), Out: out, Err: out},
			Getenv: func(k string) string {
				if k == fileEnv {
					return "from-env.yaml"
				}
				return ""
			}}
	}
	var out bytes.Buffer
	err := Run(context.Background(), env(&out), []string{"milvus-rbac", "apply", "--auto-approve"})
	if err == nil || !strings.Contains(err.Error(), "from-env.yaml") {
		t.Errorf("apply without -f: %v", err)
	}
	err = Run(context.Background(), env(&out), []string{"milvus-rbac", "apply", "--plan", "missing-plan.json"})
	if err == nil || strings.Contains(err.Error(), "from-env.yaml") || !strings.Contains(err.Error(), "missing-plan.json") {
		t.Errorf("apply --plan: %v", err)
	}
}

// TestSpecFilesArgs: the arguments a hint gives to read the same spec again can be pasted
// into a shell as they are.
func TestSpecFilesArgs(t *testing.T) {
	cases := map[string]struct {
		f    SpecFiles
		file string
		want string
	}{
		"one file":             {file: "access.yaml", want: "-f access.yaml"},
		"several, recursively": {f: SpecFiles{Files: []string{"base.yaml", "teams/"}, Recursive: true}, want: "-f base.yaml -f teams/ --recursive"},
		"a space and a quote":  {f: SpecFiles{Files: []string{"my specs/it's.yaml"}}, want: `-f 'my specs/it'\''s.yaml'`},
	}
	for name, c := range cases {
		if got := c.f.args(c.file); got != c.want {
			t.Errorf("%s: %s, want %s", name, got, c.want)
		}
	}
}

// TestTargetFlagsNeedTargets: flags that only mean something over --targets are refused
// without it, rather than ignored.
func TestTargetFlagsNeedTargets(t *testing.T) {
	for args, want := range map[string]string{
		"plan --target dev":                    "--target needs --targets FILE",
		"drift --parallel-targets 2":           "--parallel-targets needs --targets FILE",
		"apply --format json --auto-approve":   "apply --format needs --targets FILE",
		"apply --format text --plan plan.json": "apply --format needs --targets FILE",
	} {
		var out bytes.Buffer
		e := Env{Streams: Streams{In: strings.NewReader(""), Out: &out, Err: &out}, Getenv: func(string) string { return "" }}
		err := Run(context.Background(), e, append([]string{"milvus-rbac"}, strings.Fields(args)...))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", args, err, want)
		}
	}
}

// TestTargetsRefuseConnectionFlags: with --targets each target has its own URI, token, CA and
// release; the same flags given on the command line would be ignored, so they are refused
// before any target runs.
func TestTargetsRefuseConnectionFlags(t *testing.T) {
	ran := false
	args := []string{"milvus-rbac", "plan", "--targets", "targets.yaml", "--uri", "http://other:19530", "--milvus-version", "2.6.19"}
	var out bytes.Buffer
	e := Env{Streams: Streams{In: strings.NewReader(""), Out: &out, Err: &out}, Args: args,
		Targets: func(context.Context, Streams, TargetOptions) error { ran = true; return nil }}
	err := Run(context.Background(), e, args)
	want := "--targets gives each target its own connection: drop --uri (set uri in the targets file), --milvus-version (set milvus_version in the targets file)"
	if err == nil || err.Error() != want || ran {
		t.Errorf("err %v (ran %v), want %q", err, ran, want)
	}
	// The environment's MILVUS_URI is not the command line: --targets runs.
	args = []string{"milvus-rbac", "plan", "--targets", "targets.yaml"}
	e.Args = args
	if err := Run(context.Background(), e, args); err != nil || !ran {
		t.Errorf("plain --targets: %v (ran %v)", err, ran)
	}
}

// TestTargetsPassApplysFlags: apply --targets hands --allow-other-tool-version to the targets'
// applies (their refusal of a plan of another version says to pass it), and refuses
// --recursive, which each target sets in the targets file.
func TestTargetsPassApplysFlags(t *testing.T) {
	var got TargetOptions
	args := []string{"milvus-rbac", "apply", "--targets", "targets.yaml", "--plan", "plans", "--allow-other-tool-version"}
	var out bytes.Buffer
	e := Env{Streams: Streams{In: strings.NewReader(""), Out: &out, Err: &out}, Args: args,
		Targets: func(_ context.Context, _ Streams, o TargetOptions) error { got = o; return nil }}
	if err := Run(context.Background(), e, args); err != nil || !got.AllowOtherToolVersion || got.PlanDir != "plans" {
		t.Errorf("err %v, options %+v", err, got)
	}
	args = []string{"milvus-rbac", "plan", "--targets", "targets.yaml", "--recursive"}
	e.Args = args
	if err := Run(context.Background(), e, args); err == nil || !strings.Contains(err.Error(), "drop --recursive") {
		t.Errorf("--recursive with --targets: %v", err)
	}
	// Without --targets, its bound would be ignored.
	args = []string{"milvus-rbac", "drift", "-f", "access.yaml", "--parallel-targets", "8"}
	e.Args = args
	if err := Run(context.Background(), e, args); err == nil || err.Error() != "--parallel-targets needs --targets FILE" {
		t.Errorf("--parallel-targets without --targets: %v", err)
	}
}

// TestConfirmEndsWithTheContext: Ctrl-C at apply's prompt cancels at once instead of waiting
// for a line; a line typed before is the answer.
func TestConfirmEndsWithTheContext(t *testing.T) {
	if got := confirm(context.Background(), strings.NewReader("yes\n")); got != "yes\n" {
		t.Errorf("confirm = %q, want the line typed", got)
	}
	r, w := io.Pipe() // nobody types
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan string)
	go func() { done <- confirm(ctx, r) }()
	cancel()
	select {
	case got := <-done:
		if got != "" {
			t.Errorf("confirm after cancel = %q, want \"\"", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("confirm still waits for a line after the context ended")
	}
}

// TestMissingDefaultFileSaysHowToNameOne: a first run without -f, where there is no
// access.yaml, says how to name the spec.
func TestMissingDefaultFileSaysHowToNameOne(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv(fileEnv, "") // restored after the test
	os.Unsetenv(fileEnv)
	var out bytes.Buffer
	e := Env{Streams: Streams{In: strings.NewReader(""), Out: &out, Err: &out}, Getenv: func(string) string { return "" }}
	err := Run(context.Background(), e, []string{"milvus-rbac", "validate"})
	want := "-f defaults to access.yaml in the current directory; name the spec with -f FILE (or a directory), or set MILVUS_RBAC_FILE"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("validate without -f: %v, want %q", err, want)
	}
	err = Run(context.Background(), e, []string{"milvus-rbac", "validate", "-f", "other.yaml"})
	if err == nil || strings.Contains(err.Error(), "defaults to") {
		t.Errorf("validate -f other.yaml: %v, want no word of the default", err)
	}
}

// TestWriteFileIntoAMissingDirectory: plan --out and export -o into a directory that does
// not exist say so, without the name of the temporary file.
func TestWriteFileIntoAMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "plan.json")
	err := writeFile(path, func(io.Writer) error { return nil })
	want := "write " + path + ": directory " + filepath.Dir(path) + " does not exist: create it first"
	if err == nil || err.Error() != want {
		t.Errorf("writeFile = %v, want %q", err, want)
	}
}

// TestArgumentsAreRefused: a word that is not a flag was ignored, so `plan other.yaml` planned
// access.yaml; it is refused, saying how to pass it.
func TestArgumentsAreRefused(t *testing.T) {
	for args, want := range map[string]string{
		"plan other.yaml":                    `unexpected argument "other.yaml": name the spec file with -f other.yaml`,
		"apply --auto-approve x.yml":         `unexpected argument "x.yml": name the spec file with -f x.yml`,
		"export out.yaml":                    `unexpected argument "out.yaml": name the file to write with -o out.yaml`,
		"plan -f a.yaml extra --format json": "unexpected argument \"extra\": plan takes flags only (flags after an argument are not read); run `milvus-rbac help plan` for the flags",
		"access bob":                         `unexpected argument "bob": access takes flags only`,
	} {
		var out bytes.Buffer
		e := Env{Streams: Streams{In: strings.NewReader(""), Out: &out, Err: &out}, Getenv: func(string) string { return "" }}
		err := Run(context.Background(), e, append([]string{"milvus-rbac"}, strings.Fields(args)...))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", args, err, want)
		}
	}
}
