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
		Flags: []cli.Flag{fileFlag(), recursiveFlag(), noColorFlag(), validateVersionFlag(),
			&cli.BoolFlag{Name: "expand", Usage: "print the spec as one file: files merged, templates expanded"}},
		Action: e.action(func(c *cli.Context, s Streams) error {
			return Validate(s, ValidateOptions{File: DefaultFile, SpecFiles: specFiles(c),
				MilvusVersion: c.String("milvus-version"), Expand: c.Bool("expand")})
		}),
	}
}

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
func Validate(s Streams, o ValidateOptions) error {
	v, err := parseMilvusVersion(o.MilvusVersion)
	if err != nil {
		return err
	}
	sp, err := o.load(o.File)
	if err != nil {
		return err
	}
	if !v.IsZero() {
		if err := sp.CheckRelease(release.Exactly(v)); err != nil {
			return err
		}
	}
	if o.Expand {
		sp.NoSchemaComment = true
		return spec.Encode(s.Out, sp)
	}
	fmt.Fprintf(s.Out, "%s is valid: %d users, %d roles, %d privilege groups (mode %s).\n",
		sp.Path, len(sp.State.Users), len(sp.State.Roles), len(sp.State.Groups), sp.Mode)
	return nil
}
