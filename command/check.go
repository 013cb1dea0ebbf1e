package command

import (
	"errors"
	"fmt"

	"github.com/milvus-rbac/milvus-rbac/access"
	"github.com/milvus-rbac/milvus-rbac/policy"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// CheckOptions are the options of `check`.
type CheckOptions struct {
	// File is the spec file to check.
	File string
	// Policy is the policy file.
	Policy string
	// Format is "text" (the default) or "json".
	Format string
	// MilvusVersion selects the built-in group contents ("2.5" when empty).
	MilvusVersion string
}

// Check checks the spec file against the policy file without contacting a cluster: exit 0
// when it passes, 1 when it breaks a rule (each violation listed with the user or role, the
// privilege and the path that gives it) or when either file is invalid. Cases the model
// cannot decide (a role the file does not describe) are listed as uncertain and do not fail.
func Check(s Streams, o CheckOptions) int {
	if o.Policy == "" {
		return fail(s, errors.New("check needs a policy file: pass --policy FILE"))
	}
	format, err := access.ParseFormat(o.Format)
	if err != nil {
		return fail(s, err)
	}
	opts, err := groupContents(o.MilvusVersion)
	if err != nil {
		return fail(s, err)
	}
	sp, err := spec.Load(o.File)
	if err != nil {
		return fail(s, err)
	}
	p, err := policy.Load(o.Policy)
	if err != nil {
		return fail(s, err)
	}
	vs := policy.Check(access.Compute(sp.State, opts), sp.State, p)
	if format == access.FormatJSON {
		err = policy.WriteJSON(s.Out, p, sp.Path, vs)
	} else {
		err = policy.WriteText(s.Out, p, sp.Path, vs)
	}
	if err != nil {
		return fail(s, fmt.Errorf("check: %w", err))
	}
	if policy.Failed(vs) {
		return ExitError
	}
	return ExitOK
}
