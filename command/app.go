package command

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/milvus-rbac/milvus-rbac/problem"
)

// Env is what every command is built with.
type Env struct {
	Streams Streams
	// Args are the command line as given, for the flags given twice (refuseRepeatedFlags).
	Args []string
	// Getenv reads the environment (os.Getenv).
	Getenv func(string) string
	// Started, when set, is told the name of the command about to run: main words its
	// interrupt message with it.
	Started func(command string)
}

// Run runs the command line args (args[0] is the program) and returns the command's error:
// nil, a *CodeError, or an error to print, which exits ExitError (Code).
func Run(ctx context.Context, e Env, args []string) error {
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Usage: "print the version"}
	cli.VersionPrinter = func(c *cli.Context) { fmt.Fprintln(c.App.Writer, versionLine()) }
	if flagOnCommandLine(args, "token") {
		fmt.Fprintln(e.Streams.Err, "Warning: --token on the command line is visible to other users of this machine (process list, shell history): set MILVUS_TOKEN instead.")
	}
	var notFound error
	app := &cli.App{
		Name:    "milvus-rbac",
		Usage:   "access control as code for Milvus and Zilliz Cloud",
		Version: Version,
		Description: "Describe users, roles, grants and privilege groups in a YAML file; plan, apply, " +
			"check drift, export the cluster, show effective access, check it against a policy.\n\n" + exitCodesHelp,
		Reader: e.Streams.In, Writer: e.Streams.Out, ErrWriter: e.Streams.Err,
		Suggest:              true,
		EnableBashCompletion: true,
		ExitErrHandler:       func(*cli.Context, error) {},
		CommandNotFound: func(c *cli.Context, name string) {
			notFound = fmt.Errorf("unknown command %q%s; run `milvus-rbac help` for the list", name,
				problem.DidYouMean(name, commandNames(c.App)))
		},
		OnUsageError: func(c *cli.Context, err error, _ bool) error { return usageError(c, err) },
		Commands: []*cli.Command{
			NewCmdValidate(&e), NewCmdPlan(&e), NewCmdApply(&e), NewCmdDrift(&e), NewCmdAccess(&e),
			NewCmdCheck(&e), NewCmdExport(&e), NewCmdVersion(&e), NewCmdCompletion(&e),
		},
	}
	for _, cmd := range app.Commands {
		cmd.OnUsageError = app.OnUsageError
	}
	err := app.RunContext(ctx, args)
	if err == nil {
		return notFound
	}
	if m := requiredFlagRE.FindStringSubmatch(strings.TrimSpace(err.Error())); m != nil {
		return fmt.Errorf("--%s is required", strings.Join(strings.Split(m[1], `", "`), " and --"))
	}
	return err
}

// action runs one command: it tells Env.Started, refuses repeated flags and applies
// --no-color, then calls run.
func (e *Env) action(run func(c *cli.Context, s Streams) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		if e.Started != nil {
			e.Started(c.Command.Name)
		}
		if err := refuseRepeatedFlags(c, e.Args); err != nil {
			return err
		}
		s := e.Streams
		s.NoColor = s.NoColor || c.Bool("no-color")
		return run(c, s)
	}
}

// requiredFlagRE matches urfave/cli's message for missing required flags, reworded in the
// tool's style.
var requiredFlagRE = regexp.MustCompile(`^Required flags? "(.*)" not set$`)

// NewCmdVersion is `version`.
func NewCmdVersion(e *Env) *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version of milvus-rbac",
		Action: func(c *cli.Context) error {
			_, err := fmt.Fprintln(e.Streams.Out, versionLine())
			return err
		},
	}
}

// versionLine is what `version` and `--version` print.
func versionLine() string {
	return fmt.Sprintf("milvus-rbac %s (%s, %s/%s)", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// commandNames are the names of app's visible commands, for suggestions.
func commandNames(app *cli.App) []string {
	var names []string
	for _, c := range app.VisibleCommands() {
		names = append(names, c.Names()...)
	}
	slices.Sort(names)
	return names
}

// usageError rewords a flag error as one line with a suggestion: "unknown flag --fiel (did
// you mean --file?)", instead of the flag package's message followed by the whole help.
func usageError(c *cli.Context, err error) error {
	msg := err.Error()
	const twoForms = "Cannot use two forms of the same flag: "
	if i := strings.Index(msg, twoForms); i >= 0 {
		// -f a.yaml --file b.yaml: urfave/cli catches this one itself.
		forms := strings.Fields(msg[i+len(twoForms):])
		long := forms[len(forms)-1]
		for _, f := range forms {
			if len(f) > len(long) {
				long = f
			}
		}
		return repeatedFlag(long, len(forms))
	}
	const notDefined = "flag provided but not defined: "
	if i := strings.Index(msg, notDefined); i >= 0 {
		given := strings.TrimLeft(msg[i+len(notDefined):], "-")
		var names []string
		flags, help := c.App.Flags, "milvus-rbac help"
		if c.Command != nil && c.App.Command(c.Command.Name) != nil {
			flags, help = c.Command.Flags, "milvus-rbac help "+c.Command.Name
		}
		for _, f := range flags {
			names = append(names, f.Names()...)
		}
		slices.Sort(names)
		hint := ""
		if s := problem.Suggest(given, names); s != "" {
			hint = fmt.Sprintf(" (did you mean %s?)", dashed(s))
		}
		return fmt.Errorf("unknown flag %s%s; run `%s` for the flags", dashed(given), hint, help)
	}
	return err
}

// dashed writes a flag name as it is typed: -f, --file.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// verboseLog is the call log of -v: one line per attempt on w. The client never passes a
// body, a password or the token to it.
func verboseLog(on bool, w io.Writer) func(string, ...any) {
	if !on {
		return nil
	}
	return func(format string, args ...any) {
		fmt.Fprintf(w, "milvus-rbac: "+strings.TrimSuffix(format, "\n")+"\n", args...)
	}
}
