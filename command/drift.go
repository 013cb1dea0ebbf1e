package command

import (
	"context"

	"github.com/urfave/cli/v2"

	"github.com/milvus-rbac/milvus-rbac/output"
)

// NewCmdDrift is `drift`.
func NewCmdDrift(e *Env) *cli.Command {
	return &cli.Command{
		Name:        "drift",
		Usage:       "say whether the cluster differs from the file (exit 2 when it does)",
		Description: exitCodesHelp,
		Flags: withConnection(targetFlags(fileFlag(), recursiveFlag(), noColorFlag(), checkPasswordsFlag(),
			formatFlag("`FORMAT` of the report: text or json (with --targets, markdown too)"))...),
		Action: e.action(func(c *cli.Context, s Streams) error {
			if done, err := e.overTargets(c, s, TargetOptions{Format: c.String("format"), CheckPasswords: c.Bool("check-passwords")}); done {
				return err
			}
			return Drift(c.Context, s, DriftOptions{File: DefaultFile, SpecFiles: specFiles(c), Connection: connection(c, s), Format: c.String("format"),
				CheckPasswords: c.Bool("check-passwords")})
		}),
	}
}

// DriftOptions are the options of `drift`.
type DriftOptions struct {
	File string
	SpecFiles
	Connection
	// Format is text (default) or json.
	Format string
	// CheckPasswords counts a password that does not log in as drift.
	CheckPasswords bool
}

// Drift says whether the cluster matches the file: exit 0 when it does, 2 when it does not
// (listing what differs, including what the plan would not repair as the connecting user), 1
// on error. Unlisted objects in adopt mode are unmanaged, not drift, and passwords are
// compared only with CheckPasswords.
func Drift(ctx context.Context, s Streams, o DriftOptions) error {
	format, err := output.Parse(o.Format, output.Text, output.JSON)
	if err != nil {
		return err
	}
	ses, err := prepare(ctx, o.File, o.SpecFiles, o.Connection, o.CheckPasswords)
	if err != nil {
		return err
	}
	if format == output.JSON {
		err = ses.document(true).Write(s.Out)
	} else {
		err = ses.plan.WriteDrift(s.Out, ses.textOptions(s))
	}
	if err != nil {
		return err
	}
	// Not ses.plan.Empty(): a difference the plan will not repair as the connecting user
	// (its own roles, its password) is drift too, whoever connects.
	if len(ses.plan.Differences()) > 0 {
		return exit(ExitChanges)
	}
	return nil
}
