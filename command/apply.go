package command

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/milvus-rbac/milvus-rbac/apply"
	"github.com/milvus-rbac/milvus-rbac/milvus"
	"github.com/milvus-rbac/milvus-rbac/output"
	"github.com/milvus-rbac/milvus-rbac/plan"
)

// DefaultFile is the spec file used when -f is not given.
const DefaultFile = "access.yaml"

// NewCmdApply is `apply`. Its -f has no environment variable of its own: MILVUS_RBAC_FILE
// stands for a missing -f only without --plan, since a saved plan names its spec file.
func NewCmdApply(e *Env) *cli.Command {
	return &cli.Command{
		Name:        "apply",
		Usage:       "make the cluster match the file",
		Description: exitCodesHelp,
		Flags: withConnection(targetFlags(
			&cli.StringSliceFlag{Name: "file", Aliases: []string{"f"}, Usage: "the spec `FILE` or directory, repeatable (default: $" + fileEnv + ", else \"" + DefaultFile + "\"; with --plan, the files the plan names)"},
			recursiveFlag(), noColorFlag(), checkPasswordsFlag(), allowLockoutFlag(),
			&cli.BoolFlag{Name: "auto-approve", Usage: "apply without asking (required when stdin is not a terminal)"},
			&cli.StringFlag{Name: "plan", Usage: "apply exactly the plan saved in `FILE` by plan --out, refusing it when it is stale (with --targets: the directory of plan --out)"},
			formatFlag("with --targets: `FORMAT` of the report, text or json"),
			&cli.BoolFlag{Name: "allow-other-tool-version", Usage: "apply a saved plan made by another milvus-rbac version (refused otherwise)"})...),
		Action: e.action(func(c *cli.Context, s Streams) error {
			if done, err := e.overTargets(c, s, TargetOptions{Format: c.String("format"), PlanDir: c.String("plan"), AutoApprove: c.Bool("auto-approve"),
				CheckPasswords: c.Bool("check-passwords"), AllowSelfLockout: c.Bool("allow-self-lockout"),
				AllowOtherToolVersion: c.Bool("allow-other-tool-version")}); done {
				return err
			}
			file := ""
			if len(c.StringSlice("file")) == 0 && c.String("plan") == "" && e.Getenv != nil {
				file = e.Getenv(fileEnv)
			}
			return Apply(c.Context, s, ApplyOptions{File: file, SpecFiles: specFiles(c), Connection: connection(c, s),
				AutoApprove: c.Bool("auto-approve"), PlanFile: c.String("plan"), CheckPasswords: c.Bool("check-passwords"),
				AllowSelfLockout: c.Bool("allow-self-lockout"), AllowOtherToolVersion: c.Bool("allow-other-tool-version")})
		}),
	}
}

// ApplyOptions are the options of `apply`.
type ApplyOptions struct {
	// File is the spec file; "" means DefaultFile, or the file a saved plan names.
	File string
	SpecFiles
	Connection
	// AutoApprove skips the confirmation; required when stdin is not a terminal.
	AutoApprove bool
	// PlanFile is a plan saved by `plan --out`: apply exactly that plan, without asking,
	// after checking that it is not stale.
	PlanFile string
	// CheckPasswords logs in as each listed user and changes the passwords that do not work.
	CheckPasswords bool
	// AllowSelfLockout accepts a plan that takes from the connecting user what milvus-rbac
	// needs to manage the cluster.
	AllowSelfLockout bool
	// AllowOtherToolVersion applies a saved plan made by another milvus-rbac version; without
	// it such a plan is refused, since another version may plan differently.
	AllowOtherToolVersion bool
	// Rerun is the command that finishes an interrupted apply; empty: apply with the spec's
	// -f paths (apply --targets names the targets file instead).
	Rerun string
	// OwnPlanFile says PlanFile is apply --targets' temporary file, not one the user saved: it
	// is not named.
	OwnPlanFile bool
}

// ErrStale marks a saved plan that no longer fits the cluster or the spec file.
var ErrStale = errors.New("the saved plan is stale: nothing was changed; run plan again")

// Apply plans afresh (or checks a saved plan against a fresh one), shows the plan, asks for
// confirmation, carries the plan out, then reads the cluster again and checks that a new plan
// is empty.
func Apply(ctx context.Context, s Streams, o ApplyOptions) error {
	var saved *plan.Document
	if o.PlanFile != "" {
		doc, err := readSaved(o.PlanFile)
		if err != nil {
			return err
		}
		if doc.ToolVersion != Version && !o.AllowOtherToolVersion {
			return fmt.Errorf("%s was made by milvus-rbac %s, and this is milvus-rbac %s: plan again with this version, or pass --allow-other-tool-version to apply it anyway (nothing was changed)",
				o.PlanFile, doc.ToolVersion, Version)
		}
		if len(doc.Specs) > 1 {
			// A spec of several files: read exactly the files the plan was made from.
			var paths []string
			for _, f := range doc.Specs {
				paths = append(paths, savedSpecPath(o.PlanFile, f.Path))
			}
			if len(o.Files) > 0 {
				return fmt.Errorf("%s was made from the spec files %s: drop -f, the plan names its files", o.PlanFile, strings.Join(paths, ", "))
			}
			if !o.OwnPlanFile {
				s.logf("Applying the plan saved in %s: spec files %s, cluster %s.\n", o.PlanFile, strings.Join(paths, ", "), doc.Live.URI)
			}
			o.Files, saved = paths, doc
		} else {
			specPath := savedSpecPath(o.PlanFile, doc.Spec.Path)
			if f := o.paths(o.File); (len(f) > 1 || f[0] != "") && (len(f) > 1 || !samePath(f[0], specPath)) {
				return fmt.Errorf("%s was made from %s, not %s: drop -f, or plan %s again", o.PlanFile, specPath, strings.Join(f, ", "), strings.Join(f, ", "))
			}
			if !o.OwnPlanFile {
				s.logf("Applying the plan saved in %s: spec file %s, cluster %s.\n", o.PlanFile, specPath, doc.Live.URI)
			}
			o.File, o.Files, saved = specPath, nil, doc
		}
	} else if !o.AutoApprove && !s.InTTY {
		return errors.New("apply asks for confirmation, and stdin is not a terminal: pass --auto-approve to apply without asking, or apply a saved plan with --plan")
	}
	if o.File == "" {
		o.File = DefaultFile
	}
	if saved != nil && saved.CheckPasswords {
		o.CheckPasswords = true // plan again as the saved plan was made
	}
	ses, err := prepare(ctx, o.File, o.SpecFiles, o.Connection, o.CheckPasswords)
	if err != nil {
		return err
	}
	if saved != nil {
		if done, err := ses.checkSaved(s, o.PlanFile, saved); done {
			return err
		}
	}
	current, previous, _, err := ses.passwords(false)
	if err != nil {
		return err
	}
	if err := ses.writePlan(s.Out, s, output.Text); err != nil {
		return err
	}
	if ses.plan.Empty() {
		return nil
	}
	ses.warnLimits(s)
	if msg := ses.lockout(); msg != "" && !o.AllowSelfLockout {
		return fmt.Errorf("refused, nothing was changed: %s", msg)
	}
	if msg := ses.preflight(); msg != "" {
		return fmt.Errorf("refused, nothing was changed: %s", msg)
	}
	if saved == nil && !o.AutoApprove {
		fmt.Fprint(s.Err, "\nDo you want to perform these actions? Only 'yes' will be accepted: ")
		if strings.TrimSpace(confirm(ctx, s.In)) != "yes" {
			fmt.Fprintln(s.Out, "Apply cancelled. Nothing was changed.")
			return exit(ExitError)
		}
	}
	fmt.Fprintln(s.Err)
	report := apply.Run(ctx, ses.client, ses.plan, ses.applyOptions(o.Connection, current, previous, s))
	summary := fmt.Sprintf("Apply: %d done, %d failed, %d skipped", report.Count(apply.Done), report.Count(apply.Failed), report.Count(apply.Skipped))
	if n := report.Count(apply.Blocked); n > 0 {
		summary += fmt.Sprintf(", %d blocked", n)
	}
	fmt.Fprintf(s.Out, "\n%s.\n", summary)
	if err := report.Err(); err != nil {
		var interrupted []string
		for _, res := range report.Results {
			switch {
			case res.Outcome == apply.Skipped && res.Reason == apply.Interrupted:
				interrupted = append(interrupted, apply.Label(res.Step))
			case res.Outcome == apply.Skipped || res.Outcome == apply.Blocked:
				fmt.Fprintf(s.Out, "  %s: %s (%s)\n", res.Outcome, apply.Label(res.Step), res.Reason)
			}
		}
		if len(interrupted) > 0 {
			fmt.Fprintf(s.Out, "Not started because of the interrupt (%d):\n", len(interrupted))
			for _, d := range interrupted {
				fmt.Fprintf(s.Out, "  %s\n", d)
			}
			rerun := o.Rerun
			if rerun == "" {
				rerun = "milvus-rbac apply " + o.SpecFiles.args(o.File)
			}
			fmt.Fprintf(s.Out, "Run %s again to finish: it plans afresh from what the cluster holds now.\n", rerun)
		}
		return fmt.Errorf("apply %s: %w", ses.spec.Path, err)
	}
	// Read back: a server that accepts a call and ignores a field shows up here.
	if err := ses.replan(ctx); err != nil {
		return fmt.Errorf("check after apply: %w", err)
	}
	if !ses.plan.Empty() {
		fmt.Fprintf(s.Out, "The cluster still differs from %s after apply:\n", ses.spec.Path)
		if err := ses.plan.WriteDrift(s.Out, ses.textOptions(s)); err != nil {
			return err
		}
		return fmt.Errorf("the cluster does not match %s after apply: the server accepted calls without their effect", ses.spec.Path)
	}
	fmt.Fprintf(s.Out, "The cluster matches %s.\n", ses.spec.Path)
	return nil
}

// savedSpecPath is where the spec file of a saved plan is: a relative spec.path is relative
// to the plan file's directory, so that apply --plan works from any working directory.
// It is shown relative to the working directory when that is shorter.
func savedSpecPath(planFile, specPath string) string {
	if filepath.IsAbs(specPath) {
		return specPath
	}
	p := filepath.Join(filepath.Dir(planFile), specPath)
	if abs, err := filepath.Abs(p); err == nil {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, abs); err == nil && len(rel) < len(p) {
				return rel
			}
		}
	}
	return p
}

// specPathFrom is the spec path a plan saved at planFile records: relative to the plan
// file's directory when it can be, absolute otherwise.
func specPathFrom(planFile, specPath string) string {
	absPlan, err1 := filepath.Abs(filepath.Dir(planFile))
	absSpec, err2 := filepath.Abs(specPath)
	if err1 != nil || err2 != nil {
		return specPath
	}
	if rel, err := filepath.Rel(absPlan, absSpec); err == nil {
		return filepath.ToSlash(rel)
	}
	return absSpec
}

// samePath reports whether a and b name the same file.
func samePath(a, b string) bool {
	if fa, err := os.Stat(a); err == nil {
		if fb, err := os.Stat(b); err == nil {
			return os.SameFile(fa, fb)
		}
	}
	return filepath.Clean(a) == filepath.Clean(b)
}

func readSaved(path string) (*plan.Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read saved plan: %w", err)
	}
	defer f.Close()
	doc, err := plan.ReadDocument(f)
	if err != nil {
		return nil, fmt.Errorf("read saved plan %s: %w", path, err)
	}
	return doc, nil
}

// checkSaved compares a saved plan with the fresh one. done is set when apply must stop: the
// plan is stale (ErrStale), or it has nothing left to do (nil). Either way nothing changed.
func (ses *session) checkSaved(s Streams, path string, saved *plan.Document) (done bool, err error) {
	stale := func(reasons ...string) (bool, error) {
		fmt.Fprintf(s.Out, "The saved plan %s is stale:\n", path)
		for _, r := range reasons {
			fmt.Fprintf(s.Out, "  - %s\n", r)
		}
		return true, ErrStale
	}
	if len(saved.Specs) > 1 && saved.Spec.Digest != ses.spec.Digest {
		var reasons []string
		for i, f := range saved.Specs {
			if i < len(ses.spec.Files) && f.Digest != ses.spec.Files[i].Digest {
				reasons = append(reasons, fmt.Sprintf("%s changed since the plan was made (digest %s, now %s)", ses.spec.Files[i].Path, f.Digest, ses.spec.Files[i].Digest))
			}
		}
		if len(reasons) == 0 {
			reasons = append(reasons, "the spec's files changed since the plan was made")
		}
		return stale(reasons...)
	}
	if saved.Spec.Digest != ses.spec.Digest {
		return stale(fmt.Sprintf("%s changed since the plan was made (digest %s, now %s)", ses.spec.Path, saved.Spec.Digest, ses.spec.Digest))
	}
	if !milvus.SameCluster(saved.Live.URI, ses.client.URI()) {
		return stale(fmt.Sprintf("the plan was made against %s, not %s", saved.Live.URI, ses.client.URI()))
	}
	savedPlan := saved.Plan()
	if ses.plan.Empty() && !savedPlan.Empty() {
		fmt.Fprintf(s.Out, "Nothing left to do: the cluster already matches %s (the saved plan %s was applied already, or someone made the same changes). Nothing was changed.\n", ses.spec.Path, path)
		return true, nil
	}
	if diffs := plan.Compare(savedPlan, ses.plan); len(diffs) > 0 {
		return stale(diffs...)
	}
	return false, nil
}

// confirm reads the answer to the prompt: a line of in, or "" when ctx ends first (Ctrl-C at
// the prompt cancels rather than waiting for a line that no longer matters).
func confirm(ctx context.Context, in io.Reader) string {
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(in).ReadString('\n')
		answer <- line
	}()
	select {
	case line := <-answer:
		return line
	case <-ctx.Done():
		return ""
	}
}
