package command

import "context"

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
func Drift(ctx context.Context, s Streams, o DriftOptions) int {
	if o.Format == "" {
		o.Format = FormatText
	}
	if err := checkFormat(o.Format, FormatText, FormatJSON); err != nil {
		return fail(s, err)
	}
	ses, err := prepare(ctx, o.File, o.SpecFiles, o.Connection, o.CheckPasswords)
	if err != nil {
		return fail(s, err)
	}
	if o.Format == FormatJSON {
		err = ses.document(true).Write(s.Out)
	} else {
		err = ses.plan.WriteDrift(s.Out, ses.textOptions(s))
	}
	if err != nil {
		return fail(s, err)
	}
	// Not ses.plan.Empty(): a difference the plan will not repair as the connecting user
	// (its own roles, its password) is drift too, whoever connects.
	if len(ses.plan.Differences()) > 0 {
		return ExitChanges
	}
	return ExitOK
}
