package command

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/milvus-rbac/milvus-rbac/release"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// NewCmdValidate is `validate`.
func NewCmdValidate(e *Env) *cli.Command {
	return &cli.Command{
		Name:        "validate",
		Usage:       "check a spec file without contacting a cluster",
		Description: exitCodesHelp,
		Flags:       []cli.Flag{fileFlag(), noColorFlag(), milvusVersionFlag()},
		Action: e.action(func(c *cli.Context, s Streams) error {
			return Validate(s, ValidateOptions{File: c.String("file"), MilvusVersion: c.String("milvus-version")})
		}),
	}
}

// ValidateOptions are the options of `validate`.
type ValidateOptions struct {
	File string
	// MilvusVersion, when set, also checks the file against what that release can store.
	MilvusVersion string
}

// Validate checks the file without contacting a cluster.
func Validate(s Streams, o ValidateOptions) error {
	v, err := parseMilvusVersion(o.MilvusVersion)
	if err != nil {
		return err
	}
	sp, err := spec.Load(o.File)
	if err != nil {
		return err
	}
	if !v.IsZero() {
		if err := sp.CheckRelease(release.Exactly(v)); err != nil {
			return err
		}
	}
	fmt.Fprintf(s.Out, "%s is valid: %d users, %d roles, %d privilege groups (mode %s).\n",
		sp.Path, len(sp.State.Users), len(sp.State.Roles), len(sp.State.Groups), sp.Mode)
	return nil
}
