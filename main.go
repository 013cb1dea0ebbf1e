// Command milvus-rbac manages Milvus and Zilliz Cloud users, roles, grants and privilege
// groups from a YAML file: validate, plan, apply, drift, export, access and check.
//
// This file is wiring only: flags become options of package command, whose functions return
// the exit code.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/milvus-rbac/milvus-rbac/command"
	"github.com/milvus-rbac/milvus-rbac/fleet"
	"github.com/milvus-rbac/milvus-rbac/problem"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

func main() {
	info, _ := debug.ReadBuildInfo()
	command.Version = toolVersion(command.Version, info)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	in := watchInterrupts(context.Background(), sigs, os.Stderr, func() { os.Exit(130) })
	code := run(in, os.Args, os.Stdin, os.Stdout, os.Stderr)
	in.stop()
	os.Exit(code)
}

const exitCodes = `EXIT CODES:
   0  success; for plan --detailed-exitcode and drift: the cluster matches the file; for check: no violation
   1  error (invalid file or flag, unreachable cluster, failed step); nothing more is claimed
   2  changes present (plan --detailed-exitcode, drift)
   3  check: the policy is violated`

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

// flagForms are the ways a flag can be written on the command line.
func flagForms(name string) []string { return []string{"-" + name, "--" + name} }

// flagCount counts how often args pass one of the flag names (as -name, --name or
// --name=value), as opposed to its environment variable.
func flagCount(args []string, names ...string) int {
	n := 0
	for _, a := range args {
		if a == "--" {
			break
		}
		for _, name := range names {
			for _, form := range flagForms(name) {
				if a == form || strings.HasPrefix(a, form+"=") {
					n++
				}
			}
		}
	}
	return n
}

// flagOnCommandLine reports whether args pass one of the flag names.
func flagOnCommandLine(args []string, names ...string) bool { return flagCount(args, names...) > 0 }

// refuseRepeatedFlags refuses a single-valued flag given twice: the flag package keeps the
// last one and drops the others without a word (-f a.yaml -f b.yaml would plan b.yaml only).
// Boolean flags and lists (--protect-user) may repeat.
func refuseRepeatedFlags(c *cli.Context, args []string) error {
	for _, f := range c.Command.Flags {
		switch f.(type) {
		case *cli.BoolFlag, *cli.StringSliceFlag:
			continue
		}
		names := f.Names()
		if n := flagCount(args, names...); n > 1 {
			return repeatedFlag(names[0], n)
		}
	}
	return nil
}

// repeatedFlag is the error of a single-valued flag given n times.
func repeatedFlag(name string, n int) error {
	return fmt.Errorf("--%s is given %d times; it takes one value", name, n)
}

// connFlags are the flags of every command that talks to a cluster.
func connFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "uri", Value: "http://localhost:19530", EnvVars: []string{"MILVUS_URI"}, Usage: "the cluster's REST `URI` (http or https)"},
		&cli.StringFlag{Name: "token", EnvVars: []string{"MILVUS_TOKEN"}, Usage: "`user:password` or a Zilliz Cloud API key; prefer the environment variable"},
		&cli.StringFlag{Name: "ca-cert", EnvVars: []string{"MILVUS_CA_CERT"}, Usage: "PEM `FILE` of a private CA to trust for https"},
		&cli.IntFlag{Name: "concurrency", Value: 16, Usage: "at most `N` calls to the cluster at once (1 or more)"},
		&cli.DurationFlag{Name: "timeout", Value: 30 * time.Second, Usage: "timeout of each attempt of each call (more than 0)"},
		&cli.IntFlag{Name: "retries", Value: 3, Usage: "try a call that failed transiently (connection lost, timeout, HTTP 408, 429, 5xx) up to `N` more times, with backoff; 0 never"},
		&cli.DurationFlag{Name: "deadline", Usage: "give up on calls after this long in all, retries included (e.g. 10m); 0 for no deadline"},
		&cli.Float64Flag{Name: "rate", Usage: "at most `N` calls per second to the cluster, retries included; 0 for no limit"},
		&cli.BoolFlag{Name: "insecure-http", Usage: "allow sending the token over plain http:// to a host other than localhost"},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "log every call to the cluster on stderr (endpoint, status, code, time; never a body or a secret)"},
		milvusVersionFlag(),
	}
}

// milvusVersionFlag is --milvus-version: the cluster's release, when the user knows it.
func milvusVersionFlag() cli.Flag {
	return &cli.StringFlag{Name: "milvus-version", EnvVars: []string{"MILVUS_VERSION"}, Usage: "the cluster's Milvus `VERSION` (e.g. 2.5.27); without it, inferred from the cluster's answers"}
}

func run(in *interrupts, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	code := command.ExitOK
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Usage: "print the version"}
	cli.VersionPrinter = func(c *cli.Context) { fmt.Fprintln(c.App.Writer, versionLine()) }
	if flagOnCommandLine(args, "token") {
		fmt.Fprintln(stderr, "Warning: --token on the command line is visible to other users of this machine (process list, shell history): set MILVUS_TOKEN instead.")
	}
	streams := command.Streams{
		In: stdin, Out: stdout, Err: stderr,
		InTTY: isTerminal(stdin), OutTTY: isTerminal(stdout),
		NoColor: os.Getenv("NO_COLOR") != "",
	}
	ctx := in.ctx

	fileFlag := &cli.StringSliceFlag{Name: "file", Aliases: []string{"f"}, Usage: "the spec `FILE` or directory (its *.yaml and *.yml); repeat to merge several (default: access.yaml)", EnvVars: []string{"MILVUS_RBAC_FILE"}}
	recursive := &cli.BoolFlag{Name: "recursive", Usage: "read the subdirectories of a -f directory too"}
	// specFiles are the -f files and directories, merged into one spec.
	specFiles := func(c *cli.Context) command.SpecFiles {
		return command.SpecFiles{Files: c.StringSlice("file"), Recursive: c.Bool("recursive")}
	}
	noColor := &cli.BoolFlag{Name: "no-color", Usage: "never colour the output (NO_COLOR in the environment does the same)"}
	allowLockout := &cli.BoolFlag{Name: "allow-self-lockout", Usage: "accept a plan that takes from the connecting user the privileges milvus-rbac needs to manage the cluster"}
	checkPasswords := &cli.BoolFlag{Name: "check-passwords", Usage: "log in as each listed user (one call each) to check its password; one that does not work becomes a password change"}
	conn := func(c *cli.Context) command.Connection {
		return command.Connection{
			URI: c.String("uri"), Token: c.String("token"), CACert: c.String("ca-cert"),
			Concurrency: c.Int("concurrency"), Timeout: c.Duration("timeout"),
			Retries: c.Int("retries"), Deadline: c.Duration("deadline"), Rate: c.Float64("rate"),
			InsecureHTTP:  c.Bool("insecure-http"),
			Log:           verboseLog(c.Bool("verbose"), stderr),
			MilvusVersion: c.String("milvus-version"),
			Warn:          func(msg string) { fmt.Fprintln(stderr, "Warning: "+msg) },
		}
	}
	with := func(flags ...cli.Flag) []cli.Flag { return append(append([]cli.Flag{}, flags...), connFlags()...) }
	// targetFlags run a command over the clusters of a targets file (package fleet).
	targetFlags := func(flags ...cli.Flag) []cli.Flag {
		return append(flags,
			&cli.StringFlag{Name: "targets", Usage: "run on each cluster of the targets `FILE` (see README: Many clusters) instead of one"},
			&cli.StringSliceFlag{Name: "target", Usage: "with --targets: only the target `NAME` (repeatable; default all)"},
			&cli.IntFlag{Name: "parallel-targets", Value: 4, Usage: "with --targets: at most `N` targets at once"})
	}
	// overTargets runs cmd over the targets of --targets, when given.
	overTargets := func(c *cli.Context, s command.Streams, cmd fleet.Command, o fleet.Options) (int, bool) {
		if c.String("targets") == "" {
			if len(c.StringSlice("target")) > 0 {
				fmt.Fprintln(s.Err, "Error: --target needs --targets FILE")
				return command.ExitError, true
			}
			return 0, false
		}
		if flagOnCommandLine(args, "f", "file") {
			fmt.Fprintln(s.Err, "Error: --targets names each target's spec files: drop -f")
			return command.ExitError, true
		}
		o.Command, o.Targets, o.Names, o.Parallel = cmd, c.String("targets"), c.StringSlice("target"), c.Int("parallel-targets")
		o.Connection = conn(c)
		return fleet.Run(ctx, s, o), true
	}
	// action runs one command: it words the interrupt message for it, refuses repeated
	// flags and applies --no-color, then calls run for the exit code.
	action := func(run func(c *cli.Context, s command.Streams) int) cli.ActionFunc {
		return func(c *cli.Context) error {
			in.setCommand(c.Command.Name)
			if err := refuseRepeatedFlags(c, args); err != nil {
				return err
			}
			s := streams
			s.NoColor = s.NoColor || c.Bool("no-color")
			code = run(c, s)
			return nil
		}
	}

	app := &cli.App{
		Name:    "milvus-rbac",
		Usage:   "access control as code for Milvus and Zilliz Cloud",
		Version: command.Version,
		Description: "Describe users, roles, grants and privilege groups in a YAML file; plan, apply, " +
			"check drift, export the cluster, show effective access, check it against a policy.\n\n" + exitCodes,
		Reader: stdin, Writer: stdout, ErrWriter: stderr,
		Suggest:              true,
		EnableBashCompletion: true,
		ExitErrHandler:       func(*cli.Context, error) {},
		CommandNotFound: func(c *cli.Context, name string) {
			fmt.Fprintf(stderr, "Error: unknown command %q%s; run `milvus-rbac help` for the list\n", name,
				problem.DidYouMean(name, commandNames(c.App)))
			code = command.ExitError
		},
		OnUsageError: func(c *cli.Context, err error, _ bool) error { return usageError(c, err) },
		Commands: []*cli.Command{
			{
				Name:        "validate",
				Usage:       "check a spec file without contacting a cluster",
				Description: exitCodes,
				Flags: []cli.Flag{fileFlag, recursive, noColor, milvusVersionFlag(),
					&cli.BoolFlag{Name: "expand", Usage: "print the spec as one file: files merged, templates expanded"}},
				Action: action(func(c *cli.Context, s command.Streams) int {
					return command.Validate(s, command.ValidateOptions{File: command.DefaultFile, SpecFiles: specFiles(c),
						MilvusVersion: c.String("milvus-version"), Expand: c.Bool("expand")})
				}),
			},
			{
				Name:        "plan",
				Usage:       "show what apply would change on the cluster",
				Description: exitCodes,
				Flags: with(targetFlags(fileFlag, recursive, noColor, checkPasswords, allowLockout,
					&cli.BoolFlag{Name: "detailed-exitcode", Usage: "exit 2 when the plan has changes"},
					&cli.StringFlag{Name: "format", Value: command.FormatText, Usage: "`FORMAT` of the plan: text, json, markdown (a pull-request comment) or diff (the objects as YAML)"},
					&cli.StringFlag{Name: "out", Usage: "also save the plan as JSON to `FILE`, for apply --plan (with --targets: a directory, one plan per target)"})...),
				Action: action(func(c *cli.Context, s command.Streams) int {
					if code, ok := overTargets(c, s, fleet.Plan, fleet.Options{Format: c.String("format"), Out: c.String("out"),
						CheckPasswords: c.Bool("check-passwords"), AllowSelfLockout: c.Bool("allow-self-lockout")}); ok {
						return code
					}
					return command.Plan(ctx, s, command.PlanOptions{File: command.DefaultFile, SpecFiles: specFiles(c), Connection: conn(c),
						DetailedExitCode: c.Bool("detailed-exitcode"), Format: c.String("format"), Out: c.String("out"),
						CheckPasswords: c.Bool("check-passwords"), AllowSelfLockout: c.Bool("allow-self-lockout")})
				}),
			},
			{
				Name:        "apply",
				Usage:       "make the cluster match the file",
				Description: exitCodes,
				Flags: with(targetFlags(fileFlag, recursive, noColor, checkPasswords, allowLockout,
					&cli.BoolFlag{Name: "auto-approve", Usage: "apply without asking (required when stdin is not a terminal)"},
					&cli.StringFlag{Name: "plan", Usage: "apply exactly the plan saved in `FILE` by plan --out, refusing it when it is stale (with --targets: the directory of plan --out)"},
					&cli.StringFlag{Name: "format", Value: command.FormatText, Usage: "with --targets: `FORMAT` of the report, text or json"},
					&cli.BoolFlag{Name: "allow-other-tool-version", Usage: "apply a saved plan made by another milvus-rbac version (refused otherwise)"})...),
				Action: action(func(c *cli.Context, s command.Streams) int {
					if code, ok := overTargets(c, s, fleet.Apply, fleet.Options{Format: c.String("format"), PlanDir: c.String("plan"), AutoApprove: c.Bool("auto-approve"),
						CheckPasswords: c.Bool("check-passwords"), AllowSelfLockout: c.Bool("allow-self-lockout")}); ok {
						return code
					}
					files := command.SpecFiles{Recursive: c.Bool("recursive")}
					if flagOnCommandLine(args, "f", "file") { // not from MILVUS_RBAC_FILE
						files.Files = c.StringSlice("file")
					}
					return command.Apply(ctx, s, command.ApplyOptions{SpecFiles: files, Connection: conn(c),
						AutoApprove: c.Bool("auto-approve"), PlanFile: c.String("plan"), CheckPasswords: c.Bool("check-passwords"),
						AllowSelfLockout: c.Bool("allow-self-lockout"), AllowOtherToolVersion: c.Bool("allow-other-tool-version")})
				}),
			},
			{
				Name:        "drift",
				Usage:       "say whether the cluster differs from the file (exit 2 when it does)",
				Description: exitCodes,
				Flags: with(targetFlags(fileFlag, recursive, noColor, checkPasswords,
					&cli.StringFlag{Name: "format", Value: command.FormatText, Usage: "`FORMAT` of the report: text or json (with --targets, markdown too)"})...),
				Action: action(func(c *cli.Context, s command.Streams) int {
					if code, ok := overTargets(c, s, fleet.Drift, fleet.Options{Format: c.String("format"), CheckPasswords: c.Bool("check-passwords")}); ok {
						return code
					}
					return command.Drift(ctx, s, command.DriftOptions{File: command.DefaultFile, SpecFiles: specFiles(c), Connection: conn(c), Format: c.String("format"),
						CheckPasswords: c.Bool("check-passwords")})
				}),
			},
			{
				Name:  "access",
				Usage: "show effective access: what a user can do, or who can do what, from the file or the cluster",
				Description: "Without -f, reads the cluster. Without --user or --can, lists every user.\n\n" +
					"   milvus-rbac access -f access.yaml --user alice\n" +
					"   milvus-rbac access -f access.yaml --can Insert --on sales.orders\n\n" + exitCodes,
				Flags: with(noColor,
					&cli.StringSliceFlag{Name: "file", Aliases: []string{"f"}, Usage: "model the spec `FILE` or directory instead of the cluster (repeat to merge several)"},
					recursive,
					&cli.StringFlag{Name: "user", Usage: "what `USER` can do"},
					&cli.StringFlag{Name: "can", Usage: "who holds `PRIVILEGE` (with --user: whether that user does)"},
					&cli.StringFlag{Name: "on", Usage: "where, for --can: `DB[.COLLECTION]` (DB.USER for User privileges)"},
					&cli.StringFlag{Name: "format", Value: command.FormatText, Usage: "`FORMAT`: text or json"},
				),
				Action: action(func(c *cli.Context, s command.Streams) int {
					return command.Access(ctx, s, command.AccessOptions{SpecFiles: specFiles(c), Connection: conn(c),
						User: c.String("user"), Can: c.String("can"), On: c.String("on"), Format: c.String("format")})
				}),
			},
			{
				Name:  "check",
				Usage: "check a spec file, or the cluster, against a policy file (exit 3 on violations)",
				Description: "Without -f, checks the cluster (as access does). Cases the model cannot decide are\n" +
					"   listed and pass, unless --strict.\n\n" +
					"   milvus-rbac check -f access.yaml --policy examples/policies/production.yaml\n" +
					"   milvus-rbac check --policy examples/policies/production.yaml --strict\n\n" + exitCodes,
				Flags: with(targetFlags(noColor,
					&cli.StringSliceFlag{Name: "file", Aliases: []string{"f"}, Usage: "check the spec `FILE` or directory instead of the cluster (repeat to merge several)"},
					recursive,
					&cli.StringFlag{Name: "policy", Required: true, Usage: "the policy `FILE`"},
					&cli.BoolFlag{Name: "strict", Usage: "fail (exit 3) on cases the model cannot decide, too"},
					&cli.StringFlag{Name: "format", Value: command.FormatText, Usage: "`FORMAT`: text or json"},
				)...),
				Action: action(func(c *cli.Context, s command.Streams) int {
					if code, ok := overTargets(c, s, fleet.Check, fleet.Options{Format: c.String("format"), Policy: c.String("policy"), Strict: c.Bool("strict")}); ok {
						return code
					}
					return command.Check(ctx, s, command.CheckOptions{SpecFiles: specFiles(c), Connection: conn(c), Policy: c.String("policy"),
						Strict: c.Bool("strict"), Format: c.String("format")})
				}),
			},
			{
				Name:        "export",
				Usage:       "write the live cluster as a spec file",
				Description: exitCodes,
				Flags: with(noColor,
					&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE` instead of stdout (an existing file only with --force)"},
					&cli.BoolFlag{Name: "force", Usage: "overwrite the --output file when it exists"},
					&cli.StringSliceFlag{Name: "protect-user", Usage: "leave users matching `GLOB` out and protect them in the file"},
					&cli.StringSliceFlag{Name: "protect-role", Usage: "leave roles matching `GLOB` out and protect them in the file"},
					&cli.StringSliceFlag{Name: "only-user", Usage: "export only users matching `GLOB`, with their roles (repeatable; with --only-role, the union)"},
					&cli.StringSliceFlag{Name: "only-role", Usage: "export only roles matching `GLOB`, with their privilege groups (repeatable)"},
				),
				Action: action(func(c *cli.Context, s command.Streams) int {
					return command.Export(ctx, s, command.ExportOptions{
						Connection: conn(c), Output: c.String("output"), Force: c.Bool("force"),
						Protect: spec.Protect{Users: c.StringSlice("protect-user"), Roles: c.StringSlice("protect-role")},
						Only:    spec.Selection{Users: c.StringSlice("only-user"), Roles: c.StringSlice("only-role")},
					})
				}),
			},
			{
				Name:  "version",
				Usage: "print the version of milvus-rbac",
				Action: func(c *cli.Context) error {
					fmt.Fprintln(stdout, versionLine())
					return nil
				},
			},
			{
				Name:      "completion",
				Usage:     "print the shell completion script for bash, zsh or fish",
				ArgsUsage: "bash|zsh|fish",
				Description: "Load it in the current shell, or install it for good:\n\n" +
					"   source <(milvus-rbac completion bash)     # bash; for good: milvus-rbac completion bash > ~/.local/share/bash-completion/completions/milvus-rbac\n" +
					"   source <(milvus-rbac completion zsh)      # zsh (after compinit); for good: milvus-rbac completion zsh > \"${fpath[1]}/_milvus-rbac\"\n" +
					"   milvus-rbac completion fish | source      # fish; for good: milvus-rbac completion fish > ~/.config/fish/completions/milvus-rbac.fish",
				BashComplete: func(c *cli.Context) {
					for _, shell := range shells {
						fmt.Fprintln(c.App.Writer, shell)
					}
				},
				Action: func(c *cli.Context) error {
					script, err := completionScript(c.App, c.Args().First())
					if err != nil {
						return err
					}
					_, err = io.WriteString(stdout, script)
					return err
				},
			},
		},
	}
	for _, cmd := range app.Commands {
		cmd.OnUsageError = app.OnUsageError
	}
	if err := app.RunContext(ctx, args); err != nil {
		msg := strings.TrimSpace(err.Error())
		if m := requiredFlagRE.FindStringSubmatch(msg); m != nil {
			msg = fmt.Sprintf("--%s is required", strings.Join(strings.Split(m[1], `", "`), " and --"))
		}
		fmt.Fprintf(stderr, "Error: %s\n", msg)
		return command.ExitError
	}
	return code
}

// requiredFlagRE matches urfave/cli's message for missing required flags, reworded in the
// tool's style.
var requiredFlagRE = regexp.MustCompile(`^Required flags? "(.*)" not set$`)

// toolVersion is the version set at build time (make build: the git description), or else
// the module version of `go install github.com/milvus-rbac/milvus-rbac@v1.2.3`, or "dev". Saved
// plans record it, and apply --plan refuses a plan of another version.
func toolVersion(set string, info *debug.BuildInfo) string {
	if set != "dev" || info == nil || info.Main.Version == "" || info.Main.Version == "(devel)" {
		return set
	}
	return info.Main.Version
}

// versionLine is what `version` and `--version` print.
func versionLine() string {
	return fmt.Sprintf("milvus-rbac %s (%s, %s/%s)", command.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
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

// completionScript is the completion script of app for shell. bash and zsh ask the binary
// for candidates (urfave/cli's --generate-bash-completion); fish gets a static script.
func completionScript(app *cli.App, shell string) (string, error) {
	switch shell {
	case "bash":
		return bashCompletion, nil
	case "zsh":
		return zshCompletion, nil
	case "fish":
		return app.ToFishCompletion()
	case "":
		return "", errors.New("completion needs a shell: bash, zsh or fish")
	}
	return "", fmt.Errorf("completion %s: unknown shell%s; use bash, zsh or fish", shell, problem.DidYouMean(shell, shells))
}

// shells are the shells completion writes a script for.
var shells = []string{"bash", "fish", "zsh"}

const bashCompletion = `# bash completion for milvus-rbac: source <(milvus-rbac completion bash)
_milvus_rbac() {
  local cur="${COMP_WORDS[COMP_CWORD]}"
  local words=("${COMP_WORDS[@]:0:COMP_CWORD}")
  local opts
  if [[ "$cur" == -* ]]; then
    opts=$("${words[@]}" "$cur" --generate-bash-completion 2>/dev/null)
  else
    opts=$("${words[@]}" --generate-bash-completion 2>/dev/null)
  fi
  COMPREPLY=($(compgen -W "${opts}" -- "${cur}"))
}
complete -o bashdefault -o default -F _milvus_rbac milvus-rbac
`

const zshCompletion = `#compdef milvus-rbac
# zsh completion for milvus-rbac: source <(milvus-rbac completion zsh)
_milvus_rbac() {
  local -a opts
  local cur=${words[-1]}
  if [[ "$cur" == -* ]]; then
    opts=("${(@f)$(${words[@]:0:#words[@]-1} ${cur} --generate-bash-completion 2>/dev/null)}")
  else
    opts=("${(@f)$(${words[@]:0:#words[@]-1} --generate-bash-completion 2>/dev/null)}")
  fi
  if [[ "${opts[1]}" != "" ]]; then
    _describe 'values' opts
  else
    _files
  fi
}
# Installed in $fpath as _milvus-rbac, zsh runs this file to complete: complete at once.
# Sourced, it registers the function.
if [ "$funcstack[1]" = "_milvus-rbac" ]; then
  _milvus_rbac "$@"
else
  compdef _milvus_rbac milvus-rbac
fi
`

// isTerminal reports whether r is a terminal. /dev/null is a character device but not a
// terminal: `apply < /dev/null` must not wait for an answer nobody can type.
func isTerminal(r any) bool {
	f, ok := r.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}
