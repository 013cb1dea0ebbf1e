package command

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/milvus-rbac/milvus-rbac/output"
)

// NewCmdPlan is `plan`.
func NewCmdPlan(e *Env) *cli.Command {
	return &cli.Command{
		Name:        "plan",
		Usage:       "show what apply would change on the cluster",
		Description: exitCodesHelp,
		Flags: withConnection(targetFlags(fileFlag(), recursiveFlag(), noColorFlag(), checkPasswordsFlag(), allowLockoutFlag(),
			&cli.BoolFlag{Name: "detailed-exitcode", Usage: "exit 2 when the plan has changes"},
			formatFlag("`FORMAT` of the plan: text, json, markdown (a pull-request comment) or diff (the objects as YAML)"),
			&cli.StringFlag{Name: "out", Usage: "also save the plan as JSON to `FILE`, for apply --plan (with --targets: a directory, one plan per target)"})...),
		Action: e.action(func(c *cli.Context, s Streams) error {
			if done, err := e.overTargets(c, s, TargetOptions{Format: c.String("format"), Out: c.String("out"),
				CheckPasswords: c.Bool("check-passwords"), AllowSelfLockout: c.Bool("allow-self-lockout")}); done {
				return err
			}
			return Plan(c.Context, s, PlanOptions{File: DefaultFile, SpecFiles: specFiles(c), Connection: connection(c, s),
				DetailedExitCode: c.Bool("detailed-exitcode"), Format: c.String("format"), Out: c.String("out"),
				CheckPasswords: c.Bool("check-passwords"), AllowSelfLockout: c.Bool("allow-self-lockout")})
		}),
	}
}

// PlanOptions are the options of `plan`.
type PlanOptions struct {
	File string
	SpecFiles
	Connection
	// DetailedExitCode makes a plan with changes exit 2.
	DetailedExitCode bool
	// Format is text (default), json, markdown or diff.
	Format string
	// Out, when set, is where the plan is saved as a JSON document for `apply --plan`.
	Out string
	// ApplyHint is the command the line after saving suggests; empty: `milvus-rbac apply
	// --plan OUT`. QuietSave saves without that line (apply --targets plans to a temporary
	// file of its own).
	ApplyHint string
	QuietSave bool
	// CheckPasswords logs in as each listed user to check its password (one call each); a
	// password that does not work becomes an update_password step.
	CheckPasswords bool
	// AllowSelfLockout accepts a plan that takes from the connecting user what milvus-rbac
	// needs to manage the cluster.
	AllowSelfLockout bool
}

// Plan prints the plan that would make the cluster match the file, and saves it with --out.
func Plan(ctx context.Context, s Streams, o PlanOptions) error {
	format, err := output.Parse(o.Format, output.Text, output.JSON, output.Markdown, output.Diff)
	if err != nil {
		return err
	}
	ses, err := prepare(ctx, o.File, o.SpecFiles, o.Connection, o.CheckPasswords)
	if err != nil {
		return err
	}
	_, _, notes, err := ses.passwords(true)
	for _, n := range notes {
		s.logf("Note: %s\n", n)
	}
	if err != nil {
		return err
	}
	if err := ses.writePlan(s.Out, s, format); err != nil {
		return err
	}
	ses.warnLimits(s)
	if msg := ses.lockout(); msg != "" && !o.AllowSelfLockout {
		return fmt.Errorf("refused: %s", msg)
	}
	if o.Out != "" {
		doc := ses.document(false)
		doc.Spec.Path = specPathFrom(o.Out, ses.spec.Path)
		var paths []string
		for i := range doc.Specs {
			doc.Specs[i].Path = specPathFrom(o.Out, doc.Specs[i].Path)
			paths = append(paths, doc.Specs[i].Path)
		}
		if len(doc.Specs) > 1 {
			doc.Spec.Path = strings.Join(paths, ", ")
		}
		if err := writeFile(o.Out, func(w io.Writer) error { return doc.Write(w) }); err != nil {
			return err
		}
		verb := "Saved the plan"
		if ses.plan.Empty() {
			verb = "Saved the empty plan"
		}
		hint := o.ApplyHint
		if hint == "" {
			hint = "milvus-rbac apply --plan " + o.Out
		}
		if !o.QuietSave {
			s.logf("%s to %s: apply it with `%s`.\n", verb, o.Out, hint)
		}
	}
	if o.DetailedExitCode && !ses.plan.Empty() {
		return exit(ExitChanges)
	}
	return nil
}
