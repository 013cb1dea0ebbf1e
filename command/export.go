package command

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// NewCmdExport is `export`.
func NewCmdExport(e *Env) *cli.Command {
	return &cli.Command{
		Name:        "export",
		Usage:       "write the live cluster as a spec file",
		Description: exitCodesHelp,
		Flags: withConnection(noColorFlag(),
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE` instead of stdout (an existing file only with --force)"},
			&cli.BoolFlag{Name: "force", Usage: "overwrite the --output file when it exists"},
			&cli.StringSliceFlag{Name: "protect-user", Usage: "leave users matching `GLOB` out and protect them in the file"},
			&cli.StringSliceFlag{Name: "protect-role", Usage: "leave roles matching `GLOB` out and protect them in the file"},
			&cli.StringSliceFlag{Name: "only-user", Usage: "export only users matching `GLOB`, with their roles (repeatable; with --only-role, the union)"},
			&cli.StringSliceFlag{Name: "only-role", Usage: "export only roles matching `GLOB`, with their privilege groups (repeatable)"},
		),
		Action: e.action(func(c *cli.Context, s Streams) error {
			return Export(c.Context, s, ExportOptions{
				Connection: connection(c, s), Output: c.String("output"), Force: c.Bool("force"),
				Protect: spec.Protect{Users: c.StringSlice("protect-user"), Roles: c.StringSlice("protect-role")},
				Only:    spec.Selection{Users: c.StringSlice("only-user"), Roles: c.StringSlice("only-role")},
			})
		}),
	}
}

// ExportOptions are the options of `export`.
type ExportOptions struct {
	Connection
	// Output is the file to write; "" or "-" for stdout. An existing file is refused unless
	// Force.
	Output string
	// Force overwrites an existing Output file.
	Force bool
	// Protect is written into the file, and what it matches is left out of it.
	Protect spec.Protect
	// Only, when set, exports just the users and roles it names and what they need (the
	// roles of the users, the groups of the roles): a team adopting its part of a shared
	// cluster, in mode adopt.
	Only spec.Selection
}

// Export writes the live cluster as a spec file: users (without passwords) and their roles,
// roles and their grants, custom privilege groups. Built-ins and protected names are left
// out, so that planning the file against the same cluster gives no changes.
func Export(ctx context.Context, s Streams, o ExportOptions) error {
	if err := o.Only.Check(); err != nil {
		return err
	}
	toStdout := o.Output == "" || o.Output == "-"
	if !toStdout && !o.Force {
		if _, err := os.Stat(o.Output); err == nil {
			return fmt.Errorf("export: %s exists: nothing was written; pass --force to overwrite it (its comments and password references would be lost), or choose another -o", o.Output)
		}
	}
	c, err := o.Connection.client()
	if err != nil {
		return err
	}
	live, err := readLive(ctx, c)
	if err != nil {
		return err
	}
	selected, unmatched := spec.Select(exported(live.State, o.Protect), o.Only)
	for _, p := range unmatched {
		s.logf("Warning: %q matches nothing to export.\n", p)
	}
	// Mode adopt: the file manages what it lists and leaves the rest of the cluster alone.
	// The password policy is the default one unless a user name needs Milvus's own rule.
	out := &spec.Spec{Version: 1, Mode: spec.ModeAdopt, PasswordPolicy: spec.PolicyFor(selected.UserNames()), Protect: o.Protect, State: selected}
	// The schema reference must be right where the file lands: relative to the file's
	// directory when a schema.json of this format is found there or above it, else none.
	if !toStdout {
		out.Schema = spec.SchemaRefFor(filepath.Dir(o.Output))
	}
	out.NoSchemaComment = out.Schema == ""
	if toStdout {
		if err := spec.Encode(s.Out, out); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		return nil
	}
	if err := writeFile(o.Output, func(w io.Writer) error { return spec.Encode(w, out) }); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	st := out.State
	fmt.Fprintf(s.Err, "Wrote %s: %d users, %d roles, %d privilege groups.\n", o.Output, len(st.Users), len(st.Roles), len(st.Groups))
	return nil
}

// exported is live without built-ins and protected names.
func exported(live *spec.State, p spec.Protect) *spec.State {
	out := spec.NewState()
	for name, u := range live.Users {
		if p.User(name) {
			continue
		}
		var roles []string
		for _, r := range u.Roles {
			if r != spec.PublicRole {
				roles = append(roles, r)
			}
		}
		out.Users[name] = &spec.User{Name: name, Description: u.Description, Roles: roles}
	}
	for name, r := range live.Roles {
		if !p.Role(name) {
			out.Roles[name] = r
		}
	}
	for name, g := range live.Groups {
		if !p.Group(name) && !privilege.IsBuiltinGroup(name) {
			out.Groups[name] = g
		}
	}
	return out
}
