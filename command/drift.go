package command

import "context"

// DriftOptions are the options of `drift`.
type DriftOptions struct {
	File string
	Connection
}

// Drift says whether the cluster matches the file: exit 0 when it does, 2 when it does not
// (listing what differs), 1 on error. Unlisted objects in adopt mode are unmanaged, not drift,
// and passwords are never compared.
func Drift(ctx context.Context, s Streams, o DriftOptions) int {
	ses, err := prepare(ctx, o.File, o.Connection)
	if err != nil {
		return fail(s, err)
	}
	if err := ses.plan.WriteDrift(s.Out, ses.textOptions(s)); err != nil {
		return fail(s, err)
	}
	if !ses.plan.Empty() {
		return ExitChanges
	}
	return ExitOK
}
