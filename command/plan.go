package command

import (
	"context"
	"fmt"
	"io"
	"strings"
)

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
	// CheckPasswords logs in as each listed user to check its password (one call each); a
	// password that does not work becomes an update_password step.
	CheckPasswords bool
	// AllowSelfLockout accepts a plan that takes from the connecting user what milvus-rbac
	// needs to manage the cluster.
	AllowSelfLockout bool
}

// Plan prints the plan that would make the cluster match the file, and saves it with --out.
func Plan(ctx context.Context, s Streams, o PlanOptions) int {
	if o.Format == "" {
		o.Format = FormatText
	}
	if err := checkFormat(o.Format, FormatText, FormatJSON, FormatMarkdown, FormatDiff); err != nil {
		return fail(s, err)
	}
	ses, err := prepare(ctx, o.File, o.SpecFiles, o.Connection, o.CheckPasswords)
	if err != nil {
		return fail(s, err)
	}
	if _, _, err := ses.passwords(); err != nil {
		return fail(s, err)
	}
	if err := ses.writePlan(s.Out, s, o.Format); err != nil {
		return fail(s, err)
	}
	ses.warnLimits(s)
	if msg := ses.lockout(); msg != "" && !o.AllowSelfLockout {
		return fail(s, fmt.Errorf("refused: %s", msg))
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
			return fail(s, err)
		}
		verb := "Saved the plan"
		if ses.plan.Empty() {
			verb = "Saved the empty plan"
		}
		s.logf("%s to %s: apply it with `milvus-rbac apply --plan %s`.\n", verb, o.Out, o.Out)
	}
	if o.DetailedExitCode && !ses.plan.Empty() {
		return ExitChanges
	}
	return ExitOK
}
