package command

import (
	"fmt"

	"github.com/milvus-rbac/milvus-rbac/spec"
)

// ValidateOptions are the options of `validate`.
type ValidateOptions struct {
	File string
}

// Validate checks the file without contacting a cluster.
func Validate(s Streams, o ValidateOptions) int {
	sp, err := spec.Load(o.File)
	if err != nil {
		return fail(s, err)
	}
	fmt.Fprintf(s.Out, "%s is valid: %d users, %d roles, %d privilege groups (mode %s).\n",
		sp.Path, len(sp.State.Users), len(sp.State.Roles), len(sp.State.Groups), sp.Mode)
	return ExitOK
}
