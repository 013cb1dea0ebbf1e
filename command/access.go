package command

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/milvus-rbac/milvus-rbac/access"
	"github.com/milvus-rbac/milvus-rbac/output"
	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/problem"
	"github.com/milvus-rbac/milvus-rbac/release"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// NewCmdAccess is `access`.
func NewCmdAccess(e *Env) *cli.Command {
	return &cli.Command{
		Name:  "access",
		Usage: "show effective access: what a user can do, or who can do what, from the file or the cluster",
		Description: "Without -f, reads the cluster. Without --user or --can, lists every user.\n\n" +
			"   milvus-rbac access -f access.yaml --user alice\n" +
			"   milvus-rbac access -f access.yaml --can Insert --on sales.orders\n\n" + exitCodesHelp,
		Flags: withConnection(noColorFlag(),
			modelFileFlag("model"), recursiveFlag(),
			&cli.StringFlag{Name: "user", Usage: "what `USER` can do"},
			&cli.StringFlag{Name: "can", Usage: "who holds `PRIVILEGE` (with --user: whether that user does)"},
			&cli.StringFlag{Name: "on", Usage: "where, for --can: `DB[.COLLECTION]` (DB.USER for User privileges)"},
			formatFlag("`FORMAT`: text or json"),
		),
		Action: e.action(func(c *cli.Context, s Streams) error {
			return Access(c.Context, s, AccessOptions{SpecFiles: specFiles(c), Connection: connection(c, s),
				User: c.String("user"), Can: c.String("can"), On: c.String("on"), Format: c.String("format")})
		}),
	}
}

// AccessOptions are the options of `access`.
type AccessOptions struct {
	// File is the spec file to read; "" reads the live cluster through Connection.
	File string
	SpecFiles
	Connection
	// User lists what this user can do; with Can, asks whether the user can.
	User string
	// Can names a privilege: who can use it (on On).
	Can string
	// On is where Can applies: "db.collection", "db" (some collection), "" (anywhere). For a
	// User-type privilege the part after the dot is a user.
	On string
	// Format is "text" (the default) or "json".
	Format string
}

// Access prints effective access: what a user can do (--user), who can use a privilege
// (--can, --on), whether a user can (--user with --can), or every user's access (neither).
// It reads the spec file, or the live cluster when no file is named, and changes nothing.
func Access(ctx context.Context, s Streams, o AccessOptions) error {
	format, err := output.Parse(o.Format, output.Text, output.JSON)
	if err != nil {
		return err
	}
	if o.On != "" && o.Can == "" {
		return errors.New("--on says where --can applies: name a privilege with --can")
	}
	if err := checkAskedPrivilege(o.Can); err != nil {
		return err
	}
	db, object, err := access.ParseTarget(o.On)
	if err != nil {
		return fmt.Errorf("--on: %w", err)
	}
	st, opts, source, err := accessState(ctx, o.File, o.SpecFiles, o.Connection)
	if err != nil {
		return err
	}
	m := access.Compute(st, opts)
	if o.User != "" && o.User != spec.RootUser && st.Users[o.User] == nil {
		return fmt.Errorf("user %q is not in %s", o.User, source)
	}
	switch {
	case o.User != "" && o.Can != "":
		if format == output.JSON {
			err = access.WriteJSON(s.Out, m.CanReport(o.User, o.Can, db, object))
		} else {
			err = access.WriteCanText(s.Out, m, o.User, o.Can, db, object)
		}
	case o.Can != "":
		if format == output.JSON {
			err = access.WriteJSON(s.Out, m.WhoReport(o.Can, db, object))
		} else {
			err = access.WriteWhoText(s.Out, m, o.Can, db, object)
		}
	default:
		var users []string
		if o.User != "" {
			users = []string{o.User}
		}
		if format == output.JSON {
			err = access.WriteJSON(s.Out, m.UsersReport(users...))
		} else {
			err = access.WriteUsersText(s.Out, m, users...)
		}
	}
	if err != nil {
		return fmt.Errorf("access: %w", err)
	}
	return nil
}

// checkAskedPrivilege accepts a single privilege for --can: Milvus checks requests against
// single privileges, never against a group, "*" or All.
func checkAskedPrivilege(name string) error {
	switch {
	case name == "":
		return nil
	case privilege.IsBuiltinGroup(name):
		return fmt.Errorf("--can %s: %s is a privilege group; ask about one of its privileges (%s)",
			name, name, strings.Join(privilege.Members(name, privilege.V2_5), ", "))
	case privilege.IsLegacyGroup(name) || name == privilege.Wildcard || name == "All":
		return fmt.Errorf("--can %s: Milvus checks requests against single privileges; name one, such as Insert or CreateCollection", name)
	case !privilege.Known(name):
		if hint := problem.DidYouMean(name, privilege.Singles()); hint != "" {
			return fmt.Errorf("--can %s: unknown privilege%s", name, hint)
		}
		return fmt.Errorf("--can %s: unknown privilege; names are case-sensitive, such as Insert, Search, CreateCollection", name)
	}
	return nil
}

// accessState reads the state to model: the spec file, or the live cluster. source names it
// for messages. The built-in group contents are those of --milvus-version (2.5's without
// it) for a file, and the cluster's own when read live.
func accessState(ctx context.Context, file string, files SpecFiles, conn Connection) (*spec.State, access.Options, string, error) {
	opts, err := groupContents(conn.MilvusVersion)
	if err != nil {
		return nil, opts, "", err
	}
	if files.given(file) {
		sp, err := files.load(file)
		if err != nil {
			return nil, opts, "", err
		}
		return sp.State, opts, sp.Path, nil
	}
	c, err := conn.client()
	if err != nil {
		return nil, opts, "", err
	}
	live, err := readLive(ctx, c)
	if err != nil {
		return nil, opts, "", err
	}
	opts.BuiltinGroups = live.BuiltinGroups
	return live.State, opts, "the cluster at " + c.URI(), nil
}

// groupContents selects the built-in group contents of --milvus-version; 2.5's without it.
func groupContents(version string) (access.Options, error) {
	v, err := parseMilvusVersion(version)
	if err != nil || v.IsZero() {
		return access.Options{Version: privilege.V2_5}, err
	}
	return access.Options{Version: release.For(v).Groups()}, nil
}
