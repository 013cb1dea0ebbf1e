package fleet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/milvus-rbac/milvus-rbac/command"
	"github.com/milvus-rbac/milvus-rbac/output"
	"github.com/milvus-rbac/milvus-rbac/plan"
	"github.com/milvus-rbac/milvus-rbac/policy"
)

// The commands that take --targets (command.TargetOptions.Command).
const (
	Plan  = "plan"
	Apply = "apply"
	Drift = "drift"
	Check = "check"
)

// Options are the options of a run over targets: the targets file is File, and Connection
// holds the settings every target shares (timeout, retries, deadline, -v, --insecure-http, and
// the concurrency and rate a target does not set); its URI, token, CA and version are each
// target's own.
type Options = command.TargetOptions

// Result is the outcome of one target.
type Result struct {
	Target Target
	// Code is the target command's exit code.
	Code int
	// Err is the target's error, "" when it ran.
	Err string
	// Doc is the plan or drift document (nil for check, or when the target failed before it).
	Doc *plan.Document
	// Check is check's report.
	Check *policy.Report
	// Output is what the command printed for people (apply's progress and result); Log is
	// its stderr (warnings, -v).
	Output, Log string
	// Took is the target's wall time.
	Took time.Duration
}

// Changes is the number of steps of the target's plan (or of applied steps), or its
// differences in a drift run, or its violations in a check run.
func (r Result) Changes() int {
	switch {
	case r.Check != nil:
		return len(r.Check.Violations)
	case r.Doc != nil:
		return r.Doc.Summary.Total
	}
	return 0
}

// Destructive is the number of the target's destructive steps.
func (r Result) Destructive() int {
	if r.Doc == nil {
		return 0
	}
	return r.Doc.Summary.Destructive
}

// Failed reports whether the target errored.
func (r Result) Failed() bool { return r.Err != "" || r.Code == command.ExitError }

// Over is Run for command.Env.Targets: the run that --targets asks of plan, apply, drift or
// check, its exit code carried by the error.
func Over(ctx context.Context, s command.Streams, t command.TargetOptions) error {
	code := Run(ctx, s, t)
	if code == command.ExitOK {
		return nil
	}
	return &command.CodeError{Code: code}
}

// Run runs o.Command on every selected target, o.Parallel at a time, and writes one report
// on s.Out. It returns 1 if any target errored, else 2 if any has changes or drift (3 for
// check when any breaks the policy), else 0.
func Run(ctx context.Context, s command.Streams, o Options) int {
	results, err := run(ctx, s, o)
	if err != nil {
		return command.Report(s.Err, err)
	}
	if err := writeReport(s, o, results); err != nil {
		fmt.Fprintf(s.Err, "Error: write the report: %v\n", err)
		return command.ExitError
	}
	return exitCode(o.Command, results)
}

// exitCode is the run's exit code.
func exitCode(c string, results []Result) int {
	code := command.ExitOK
	for _, r := range results {
		switch {
		case r.Failed():
			return command.ExitError
		case c == Check && r.Code == command.ExitViolations:
			code = command.ExitViolations
		case c != Check && c != Apply && r.Changes() > 0 && code == command.ExitOK:
			code = command.ExitChanges
		}
	}
	return code
}

// run checks the options, then runs the targets.
func run(ctx context.Context, s command.Streams, o Options) ([]Result, error) {
	if o.Parallel < 1 {
		return nil, fmt.Errorf("--parallel-targets %d: give 1 or more targets at once", o.Parallel)
	}
	if o.Format == "" {
		o.Format = string(output.Text)
	}
	formats := []string{string(output.Text), string(output.JSON)}
	if o.Command == Plan || o.Command == Drift {
		formats = append(formats, string(output.Markdown))
	}
	if !contains(formats, o.Format) {
		return nil, fmt.Errorf("unknown --format %q for %s --targets: use one of %s", o.Format, o.Command, strings.Join(formats, ", "))
	}
	if o.Command == Apply && o.PlanDir == "" && !o.AutoApprove {
		return nil, errors.New("apply --targets asks nobody: pass --auto-approve, or apply the plans saved by plan --targets --out DIR with --plan DIR")
	}
	if o.Command == Check {
		// One invalid policy is one error, not one per target.
		if _, err := policy.Load(o.Policy); err != nil {
			return nil, err
		}
	}
	ts, err := Load(o.File)
	if err != nil {
		return nil, err
	}
	targets, err := ts.Select(o.Names)
	if err != nil {
		return nil, err
	}
	if o.Out != "" {
		if err := os.MkdirAll(o.Out, 0o755); err != nil {
			return nil, fmt.Errorf("plan --out %s: %w", o.Out, err)
		}
	}
	results := make([]Result, len(targets))
	sem := make(chan struct{}, o.Parallel)
	var (
		wg    sync.WaitGroup
		logMu sync.Mutex // one target's log at a time on the shared stderr
	)
	for i, t := range targets {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			start := time.Now()
			results[i] = runTarget(ctx, o, t)
			results[i].Took = time.Since(start)
			logMu.Lock()
			s.Err.Write(prefixed(t.Name, results[i].Log))
			logMu.Unlock()
		})
	}
	wg.Wait()
	return results, nil
}

// prefixed prefixes each line of log with the target's name, so that the logs of targets
// that ran at once stay apart. Blank lines (a command's spacing) are left out: "[name] "
// alone says nothing.
func prefixed(name, log string) []byte {
	var b bytes.Buffer
	for _, l := range strings.SplitAfter(log, "\n") {
		if strings.TrimSpace(l) != "" {
			b.WriteString("[" + name + "] " + l)
		}
	}
	return b.Bytes()
}

// runTarget runs the command on one target. A panic becomes the target's error: it must not
// take the other targets down.
func runTarget(ctx context.Context, o Options, t Target) (res Result) {
	res.Target = t
	var out, log syncBuffer
	defer func() {
		if p := recover(); p != nil {
			res.Code, res.Err = command.ExitError, fmt.Sprintf("internal error: %v\n%s", p, debug.Stack())
		}
		res.Log = log.String()
	}()
	conn, err := connection(o.Connection, t, &log)
	if err != nil && o.Command != Check { // check reads the target's files, not its cluster
		res.Code, res.Err = command.ExitError, err.Error()
		return res
	}
	files := command.SpecFiles{Files: append(append([]string{}, t.Files...), t.Overlays...), Recursive: t.Recursive, Variables: t.Variables}
	s := command.Streams{In: strings.NewReader(""), Out: &out, Err: &log, NoColor: true}
	// report prints the command's error on the target's log, as the command alone would, and
	// keeps its message for the report.
	report := func(err error) int {
		if command.Code(err) == command.ExitError && !command.Silent(err) {
			res.Err = command.MessageWith(err, targetHints.Replace)
		}
		return command.ReportWith(s.Err, err, targetHints.Replace)
	}
	switch o.Command {
	case Plan:
		po := command.PlanOptions{SpecFiles: files, Connection: conn, Format: string(output.JSON),
			CheckPasswords: o.CheckPasswords, AllowSelfLockout: o.AllowSelfLockout}
		if o.Out != "" {
			// The plan is applied with the other targets' plans, through the targets file.
			po.Out = filepath.Join(o.Out, t.Name+".json")
			// The plan of an earlier run must not outlive this run's failure: apply --plan
			// DIR would apply what this report says could not be planned.
			if err := os.Remove(po.Out); err != nil && !errors.Is(err, fs.ErrNotExist) {
				res.Code, res.Err = command.ExitError, fmt.Sprintf("remove the earlier plan: %v", err)
				return res
			}
			po.ApplyHint = "milvus-rbac apply --targets " + o.File + " --plan " + o.Out
			if len(o.Names) > 0 {
				po.ApplyHint += " --target " + strings.Join(o.Names, " --target ")
			}
		}
		res.Code = report(command.Plan(ctx, s, po))
		res.Doc = readDoc(out.Bytes())
	case Drift:
		res.Code = report(command.Drift(ctx, s, command.DriftOptions{SpecFiles: files, Connection: conn, Format: string(output.JSON), CheckPasswords: o.CheckPasswords}))
		res.Doc = readDoc(out.Bytes())
	case Check:
		res.Code = report(command.Check(ctx, s, command.CheckOptions{SpecFiles: files, Connection: conn, Policy: o.Policy, Strict: o.Strict, Format: string(output.JSON)}))
		var rep policy.Report
		if json.Unmarshal(out.Bytes(), &rep) == nil && rep.Kind != "" {
			res.Check = &rep
		}
	case Apply:
		var err error
		res.Doc, err = applyTarget(ctx, o, t, files, conn, s)
		res.Code = report(err)
		res.Output = out.String()
	}
	if res.Code == command.ExitError && res.Err == "" {
		res.Err = "failed (exit 1)" // an outcome its output has explained
	}
	return res
}

// applyTarget applies the target's saved plan (PlanDir), or plans to a temporary file and
// applies exactly that plan, so that the report counts what was applied. It returns the plan
// applied (nil when there was none) and apply's outcome.
func applyTarget(ctx context.Context, o Options, t Target, files command.SpecFiles, conn command.Connection, s command.Streams) (*plan.Document, error) {
	saved := ""
	if o.PlanDir != "" {
		saved = filepath.Join(o.PlanDir, t.Name+".json")
	} else {
		dir, err := os.MkdirTemp("", "milvus-rbac-"+t.Name)
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		saved = filepath.Join(dir, "plan.json")
		var discard bytes.Buffer
		ps := s
		ps.Out = &discard
		if err := command.Plan(ctx, ps, command.PlanOptions{SpecFiles: files, Connection: conn, Format: string(output.JSON), Out: saved,
			QuietSave: true, CheckPasswords: o.CheckPasswords, AllowSelfLockout: o.AllowSelfLockout}); err != nil {
			return nil, err
		}
	}
	var doc *plan.Document
	if f, err := os.Open(saved); err == nil {
		doc, _ = plan.ReadDocument(f)
		f.Close()
	}
	if doc == nil {
		return nil, fmt.Errorf("read the plan of target %s: %s is missing or not a plan; run plan --targets --out %s first", t.Name, saved, o.PlanDir)
	}
	// The files come from the saved plan; the variables stay the target's.
	ao := command.ApplyOptions{SpecFiles: command.SpecFiles{Variables: files.Variables, Recursive: files.Recursive}, Connection: conn, PlanFile: saved,
		AllowSelfLockout: o.AllowSelfLockout, AllowOtherToolVersion: o.AllowOtherToolVersion,
		Rerun: "milvus-rbac apply --targets " + o.File + " --target " + t.Name, OwnPlanFile: o.PlanDir == ""}
	return doc, command.Apply(ctx, s, ao)
}

// readDoc reads a plan or drift document printed on out; nil when there is none.
func readDoc(out []byte) *plan.Document {
	var d plan.Document
	if len(out) == 0 || json.Unmarshal(out, &d) != nil || d.Kind == "" {
		return nil
	}
	return &d
}

// connection is the target's connection: the shared settings, with the target's own.
func connection(base command.Connection, t Target, log *syncBuffer) (command.Connection, error) {
	c := base
	c.URI, c.CACert, c.MilvusVersion, c.Token = t.URI, t.CACert, t.MilvusVersion, ""
	if t.TokenEnv != "" {
		tok, ok := os.LookupEnv(t.TokenEnv)
		if !ok || tok == "" {
			return c, fmt.Errorf("target %s: environment variable %s (token_env) is not set", t.Name, t.TokenEnv)
		}
		c.Token = tok
	}
	if t.Concurrency > 0 {
		c.Concurrency = t.Concurrency
	}
	if t.Rate > 0 {
		c.Rate = t.Rate
	}
	if base.Log != nil {
		c.Log = func(format string, args ...any) {
			fmt.Fprintf(log, "milvus-rbac: "+strings.TrimSuffix(format, "\n")+"\n", args...)
		}
	}
	c.Warn = func(msg string) { fmt.Fprintln(log, "Warning: "+msg) }
	return c, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// syncBuffer is a buffer that a target's calls may write from several goroutines at once
// (the client logs each call as it ends).
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

func (b *syncBuffer) String() string { return string(b.Bytes()) }

// targetHints rewrites the flags a hint names into the targets file's fields, which are what
// set a target's connection.
var targetHints = strings.NewReplacer(
	"--uri or MILVUS_URI", "the target's uri in the targets file",
	"in --uri", "in the target's uri",
	"MILVUS_TOKEN (or --token)", "the variable the target's token_env names",
	"with --ca-cert", "with the target's ca_cert",
)
