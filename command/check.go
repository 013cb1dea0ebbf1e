package command

import (
	"context"
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/milvus-rbac/milvus-rbac/access"
	"github.com/milvus-rbac/milvus-rbac/output"
	"github.com/milvus-rbac/milvus-rbac/policy"
)

// NewCmdCheck is `check`.
func NewCmdCheck(e *Env) *cli.Command {
	return &cli.Command{
		Name:  "check",
		Usage: "check a spec file, or the cluster, against a policy file (exit 3 on violations)",
		Description: "Without -f, checks the cluster (as access does). Cases the model cannot decide are\n" +
			"   listed and pass, unless --strict.\n\n" +
			"   milvus-rbac check -f access.yaml --policy examples/policies/production.yaml\n" +
			"   milvus-rbac check --policy examples/policies/production.yaml --strict\n\n" + exitCodesHelp,
		Flags: withConnection(targetFlags(noColorFlag(), modelFileFlag("check"), recursiveFlag(),
			&cli.StringFlag{Name: "policy", Required: true, Usage: "the policy `FILE`"},
			&cli.BoolFlag{Name: "strict", Usage: "fail (exit 3) on cases the model cannot decide, too"},
			formatFlag("`FORMAT`: text or json"),
		)...),
		Action: e.action(func(c *cli.Context, s Streams) error {
			if done, err := e.overTargets(c, s, TargetOptions{Format: c.String("format"), Policy: c.String("policy"), Strict: c.Bool("strict")}); done {
				return err
			}
			return Check(c.Context, s, CheckOptions{SpecFiles: specFiles(c), Connection: connection(c, s), Policy: c.String("policy"),
				Strict: c.Bool("strict"), Format: c.String("format")})
		}),
	}
}

// CheckOptions are the options of `check`.
type CheckOptions struct {
	// File is the spec file to check; "" checks the live cluster through Connection.
	File string
	SpecFiles
	Connection
	// Policy is the policy file.
	Policy string
	// Strict fails the check on cases the model cannot decide, too.
	Strict bool
	// Format is "text" (the default) or "json".
	Format string
}

// Check checks the spec file, or the live cluster, against the policy file: exit 0 when it
// passes, ExitViolations when it breaks a rule (each violation listed with the user or role,
// the privilege and the path that gives it), ExitError when the input is invalid or the
// cluster cannot be read. Cases the model cannot decide (a role the state does not describe)
// are listed as uncertain and fail only with Strict. The policy is read before the cluster,
// so that an invalid policy costs no call.
func Check(ctx context.Context, s Streams, o CheckOptions) error {
	if o.Policy == "" {
		return errors.New("check needs a policy file: pass --policy FILE")
	}
	format, err := output.Parse(o.Format, output.Text, output.JSON)
	if err != nil {
		return err
	}
	p, err := policy.Load(o.Policy)
	if err != nil {
		return err
	}
	st, opts, source, err := accessState(ctx, o.File, o.SpecFiles, o.Connection)
	if err != nil {
		return err
	}
	vs := policy.Check(access.Compute(st, opts), st, p)
	result := policy.Result{Policy: p, Checked: source, Violations: vs, Strict: o.Strict}
	if format == output.JSON {
		err = result.WriteJSON(s.Out)
	} else {
		err = result.WriteText(s.Out)
	}
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	if result.Failed() {
		return exit(ExitViolations)
	}
	return nil
}
