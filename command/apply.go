package command

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/milvus-rbac/milvus-rbac/apply"
)

// ApplyOptions are the options of `apply`.
type ApplyOptions struct {
	File string
	Connection
	// AutoApprove skips the confirmation; required when stdin is not a terminal.
	AutoApprove bool
}

// Apply plans afresh, shows the plan, asks for confirmation, carries the plan out, then reads
// the cluster again and checks that a new plan is empty.
func Apply(ctx context.Context, s Streams, o ApplyOptions) int {
	if !o.AutoApprove && !s.InTTY {
		return fail(s, errors.New("apply asks for confirmation, and stdin is not a terminal: pass --auto-approve to apply without asking"))
	}
	ses, err := prepare(ctx, o.File, o.Connection)
	if err != nil {
		return fail(s, err)
	}
	passwords, err := ses.passwords()
	if err != nil {
		return fail(s, err)
	}
	if err := ses.plan.WriteText(s.Out, ses.textOptions(s)); err != nil {
		return fail(s, err)
	}
	if ses.plan.Empty() {
		return ExitOK
	}
	if !o.AutoApprove {
		fmt.Fprint(s.Err, "\nDo you want to perform these actions? Only 'yes' will be accepted: ")
		answer, _ := bufio.NewReader(s.In).ReadString('\n')
		if strings.TrimSpace(answer) != "yes" {
			fmt.Fprintln(s.Out, "Apply cancelled. Nothing was changed.")
			return ExitError
		}
	}
	fmt.Fprintln(s.Err)
	report := apply.Run(ctx, ses.client, ses.plan, apply.Options{
		Concurrency: o.Concurrency,
		Passwords:   passwords,
		Progress:    s.Err,
	})
	fmt.Fprintf(s.Out, "\nApply: %d done, %d failed, %d skipped.\n",
		report.Count(apply.Done), report.Count(apply.Failed), report.Count(apply.Skipped))
	if err := report.Err(); err != nil {
		for _, res := range report.Results {
			if res.Outcome == apply.Skipped {
				fmt.Fprintf(s.Out, "  skipped: %s (%s)\n", res.Step.Description(), res.Reason)
			}
		}
		return fail(s, fmt.Errorf("apply %s: %w", ses.spec.Path, err))
	}
	// Read back: a server that accepts a call and ignores a field shows up here.
	if err := ses.replan(ctx); err != nil {
		return fail(s, fmt.Errorf("check after apply: %w", err))
	}
	if !ses.plan.Empty() {
		fmt.Fprintf(s.Out, "The cluster still differs from %s after apply:\n", ses.spec.Path)
		if err := ses.plan.WriteDrift(s.Out, ses.textOptions(s)); err != nil {
			return fail(s, err)
		}
		return fail(s, fmt.Errorf("the cluster does not match %s after apply: the server accepted calls without their effect", ses.spec.Path))
	}
	fmt.Fprintf(s.Out, "The cluster matches %s.\n", ses.spec.Path)
	return ExitOK
}
