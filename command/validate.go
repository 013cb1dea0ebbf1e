package command

import (
	"fmt"

	"github.com/milvus-rbac/milvus-rbac/release"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// ValidateOptions are the options of `validate`.
type ValidateOptions struct {
	File string
	SpecFiles
	// Expand prints the spec as one file, templates expanded and files merged.
	Expand bool
	// MilvusVersion, when set, also checks the file against what that release can store.
	MilvusVersion string
}

// Validate checks the file without contacting a cluster.
func Validate(s Streams, o ValidateOptions) int {
	v, err := parseMilvusVersion(o.MilvusVersion)
	if err != nil {
		return fail(s, err)
	}
	sp, err := o.load(o.File)
	if err != nil {
		return fail(s, err)
	}
	if !v.IsZero() {
		if err := sp.CheckRelease(release.Exactly(v)); err != nil {
			return fail(s, err)
		}
	}
	if o.Expand {
		sp.NoSchemaComment = true
		if err := spec.Encode(s.Out, sp); err != nil {
			return fail(s, err)
		}
		return ExitOK
	}
	fmt.Fprintf(s.Out, "%s is valid: %d users, %d roles, %d privilege groups (mode %s).\n",
		sp.Path, len(sp.State.Users), len(sp.State.Roles), len(sp.State.Groups), sp.Mode)
	return ExitOK
}
