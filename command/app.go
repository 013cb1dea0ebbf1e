package command

import (
	"context"
	"errors"
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
	// Targets runs plan, apply, drift or check over the clusters of a targets file (--targets).
	// Package fleet does it, built on this package, so main hands it in; nil refuses
	// --targets.
	Targets func(ctx context.Context, s Streams, o TargetOptions) error
}

// TargetOptions are a run of Command over the clusters of the targets file File instead of
// one cluster (--targets).
type TargetOptions struct {
	// Command is "plan", "apply", "drift" or "check".
	Command string
	// File is the targets file; Names the targets to run on (every one when empty).
	File  string
	Names []string
	// Parallel bounds the targets run at once (--parallel-targets).
	Parallel int
	// Format, Out (plan: a directory of plans), PlanDir (apply --plan DIR), AutoApprove,
	// Policy, Strict, CheckPasswords, AllowSelfLockout and AllowOtherToolVersion are the
	// command's own flags.
	Format, Out, PlanDir string
	AutoApprove          bool
	Policy               string
	Strict               bool
	CheckPasswords       bool
	AllowSelfLockout     bool
	// AllowOtherToolVersion applies saved plans made by another milvus-rbac version (apply).
	AllowOtherToolVersion bool
	// Connection holds what every target shares; each target sets its URI, token, CA and
	// release.
	Connection Connection
}

// overTargets runs the command over --targets when it is given (done is true then). -f and
// --target without --targets are refused: a targets file names each target's spec files.
func (e *Env) overTargets(c *cli.Context, s Streams, o TargetOptions) (done bool, err error) {
	if c.String("targets") == "" {
		switch {
		case len(c.StringSlice("target")) > 0:
			return true, errors.New("--target needs --targets FILE")
		case c.IsSet("parallel-targets"):
			return true, errors.New("--parallel-targets needs --targets FILE")
		case c.Command.Name == "apply" && c.IsSet("format"):
			// Ignored, a script would read text where it expects JSON.
			return true, errors.New("apply --format needs --targets FILE: apply on one cluster reports in text (plan --format json gives the plan as JSON)")
		}
		if flagOnCommandLine(e.Args, "parallel-targets") {
			return true, errors.New("--parallel-targets needs --targets FILE")
		}
		return false, nil
	}
	if flagOnCommandLine(e.Args, "f", "file") {
		return true, errors.New("--targets names each target's spec files: drop -f")
	}
	if flagOnCommandLine(e.Args, "recursive") {
		return true, errors.New("--targets names each target's spec files: drop --recursive, and set recursive: true for the targets that need it")
	}
	// Each target has its own; a flag given for all would be ignored without a word.
	var own []string
	for _, f := range []struct{ flag, key string }{{"uri", "uri"}, {"token", "token_env"}, {"ca-cert", "ca_cert"}, {"milvus-version", "milvus_version"}} {
		if flagOnCommandLine(e.Args, f.flag) {
			own = append(own, fmt.Sprintf("--%s (set %s in the targets file)", f.flag, f.key))
		}
	}
	if len(own) > 0 {
		return true, fmt.Errorf("--targets gives each target its own connection: drop %s", strings.Join(own, ", "))
	}
	if e.Targets == nil {
		return true, errors.New("--targets is not available in this build")
	}
	o.Command, o.File, o.Names, o.Parallel = c.Command.Name, c.String("targets"), c.StringSlice("target"), c.Int("parallel-targets")
	o.Connection = connection(c, s)
	return true, e.Targets(c.Context, s, o)
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
		if err := refuseArguments(c); err != nil {
			return err
		}
		s := e.Streams
		s.NoColor = s.NoColor || c.Bool("no-color")
		return run(c, s)
	}
}

// refuseArguments refuses words that are not flags: these commands take none, and one that
// was ignored would run on access.yaml instead of the file the user named (`plan other.yaml`).
// The flag package also stops at the first such word, leaving the flags after it unread.
func refuseArguments(c *cli.Context) error {
	if !c.Args().Present() {
		return nil
	}
	arg := c.Args().First()
	if strings.HasSuffix(arg, ".yaml") || strings.HasSuffix(arg, ".yml") {
		if c.Command.Name == "export" {
			return fmt.Errorf("unexpected argument %q: name the file to write with -o %s", arg, arg)
		}
		return fmt.Errorf("unexpected argument %q: name the spec file with -f %s", arg, arg)
	}
	return fmt.Errorf("unexpected argument %q: %s takes flags only (flags after an argument are not read); run `milvus-rbac help %s` for the flags", arg, c.Command.Name, c.Command.Name)
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
		if long == "file" {
			// -f repeats; urfave/cli refuses only the two forms mixed.
			return errors.New("-f and --file are mixed: repeat one form to merge several spec files (-f a.yaml -f b.yaml)")
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
