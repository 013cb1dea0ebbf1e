package command

import (
	"context"
)

// PlanOptions are the options of `plan`.
type PlanOptions struct {
	File string
	Connection
	// DetailedExitCode makes a plan with changes exit 2.
	DetailedExitCode bool
}

// Plan prints the plan that would make the cluster match the file.
func Plan(ctx context.Context, s Streams, o PlanOptions) int {
	ses, err := prepare(ctx, o.File, o.Connection)
	if err != nil {
		return fail(s, err)
	}
	if _, err := ses.passwords(); err != nil {
		return fail(s, err)
	}
	if err := ses.plan.WriteText(s.Out, ses.textOptions(s)); err != nil {
		return fail(s, err)
	}
	if o.DetailedExitCode && !ses.plan.Empty() {
		return ExitChanges
	}
	return ExitOK
}
