package command

import (
	"context"
	"errors"
	"fmt"

	"github.com/milvus-rbac/milvus-rbac/access"
	"github.com/milvus-rbac/milvus-rbac/policy"
)

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
func Check(ctx context.Context, s Streams, o CheckOptions) int {
	if o.Policy == "" {
		return fail(s, errors.New("check needs a policy file: pass --policy FILE"))
	}
	format, err := access.ParseFormat(o.Format)
	if err != nil {
		return fail(s, err)
	}
	p, err := policy.Load(o.Policy)
	if err != nil {
		return fail(s, err)
	}
	st, opts, source, err := accessState(ctx, o.File, o.SpecFiles, o.Connection)
	if err != nil {
		return fail(s, err)
	}
	vs := policy.Check(access.Compute(st, opts), st, p)
	result := policy.Result{Policy: p, Checked: source, Violations: vs, Strict: o.Strict}
	if format == access.FormatJSON {
		err = result.WriteJSON(s.Out)
	} else {
		err = result.WriteText(s.Out)
	}
	if err != nil {
		return fail(s, fmt.Errorf("check: %w", err))
	}
	if result.Failed() {
		return ExitViolations
	}
	return ExitOK
}
