// Command milvus-rbac manages Milvus and Zilliz Cloud users, roles, grants and privilege
// groups from a YAML file: validate, plan, apply, drift and export.
//
// This file is wiring only: flags become options of package command, whose functions return
// the exit code.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/milvus-rbac/milvus-rbac/command"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

func main() {
	os.Exit(run(os.Args))
}

const exitCodes = `EXIT CODES:
   0  success; for plan --detailed-exitcode and drift: the cluster matches the file
   1  error (invalid file, unreachable cluster, failed step); nothing more is claimed
   2  changes present (plan --detailed-exitcode, drift)`

// verboseLog is the call log of -v: one line per attempt on stderr. The client never passes a
// body, a password or the token to it.
func verboseLog(on bool) func(string, ...any) {
	if !on {
		return nil
	}
	return func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "milvus-rbac: "+strings.TrimSuffix(format, "\n")+"\n", args...)
	}
}

// flagOnCommandLine reports whether args pass one of the flag names (as -name, --name or
// --name=value), as opposed to its environment variable.
func flagOnCommandLine(args []string, names ...string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		for _, n := range names {
			for _, form := range []string{"-" + n, "--" + n} {
				if a == form || strings.HasPrefix(a, form+"=") {
					return true
				}
			}
		}
	}
	return false
}

func run(args []string) int {
	code := command.ExitOK
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Usage: "print the version"}
	if flagOnCommandLine(args, "token") {
		fmt.Fprintln(os.Stderr, "Warning: --token on the command line is visible to other users of this machine (process list, shell history): set MILVUS_TOKEN instead.")
	}
	streams := command.Streams{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		InTTY: command.IsTerminal(os.Stdin), OutTTY: command.IsTerminal(os.Stdout),
		NoColor: os.Getenv("NO_COLOR") != "",
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first signal, steps in flight finish; a second one ends the process.
		<-ctx.Done()
		stop()
		fmt.Fprintln(os.Stderr, "\nInterrupted: no new step starts; the steps in flight finish. Interrupt again to quit at once.")
	}()

	fileFlag := &cli.StringFlag{Name: "file", Aliases: []string{"f"}, Value: command.DefaultFile, Usage: "the spec `FILE`", EnvVars: []string{"MILVUS_RBAC_FILE"}}
	noColor := &cli.BoolFlag{Name: "no-color", Usage: "never colour the output (NO_COLOR in the environment does the same)"}
	milvusVersion := &cli.StringFlag{Name: "milvus-version", EnvVars: []string{"MILVUS_VERSION"}, Usage: "the cluster's Milvus `VERSION` (e.g. 2.5.27); without it, inferred from the cluster's answers"}
	connFlags := []cli.Flag{
		&cli.StringFlag{Name: "uri", Value: "http://localhost:19530", EnvVars: []string{"MILVUS_URI"}, Usage: "the cluster's REST `URI` (http or https)"},
		&cli.StringFlag{Name: "token", EnvVars: []string{"MILVUS_TOKEN"}, Usage: "`user:password` or a Zilliz Cloud API key; prefer the environment variable"},
		&cli.StringFlag{Name: "ca-cert", EnvVars: []string{"MILVUS_CA_CERT"}, Usage: "PEM `FILE` of a private CA to trust for https"},
		&cli.IntFlag{Name: "concurrency", Value: 16, Usage: "at most `N` calls to the cluster at once"},
		&cli.DurationFlag{Name: "timeout", Value: 30 * time.Second, Usage: "timeout of each attempt of each call"},
		&cli.IntFlag{Name: "retries", Value: 3, Usage: "try a call that failed transiently (connection lost, timeout, HTTP 408, 429, 5xx) up to `N` more times, with backoff; 0 never"},
		&cli.DurationFlag{Name: "deadline", Usage: "give up on calls after this long in all, retries included (e.g. 10m); 0 for no deadline"},
		&cli.Float64Flag{Name: "rate", Usage: "at most `N` calls per second to the cluster, retries included; 0 for no limit"},
		&cli.BoolFlag{Name: "insecure-http", Usage: "allow sending the token over plain http:// to a host other than localhost"},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "log every call to the cluster on stderr (endpoint, status, code, time; never a body or a secret)"},
		milvusVersion,
	}
	allowLockout := &cli.BoolFlag{Name: "allow-self-lockout", Usage: "accept a plan that takes from the connecting user the privileges milvus-rbac needs to manage the cluster"}
	checkPasswords := &cli.BoolFlag{Name: "check-passwords", Usage: "log in as each listed user (one call each) to check its password; one that does not work becomes a password change"}
	conn := func(c *cli.Context) command.Connection {
		streams.NoColor = streams.NoColor || c.Bool("no-color")
		return command.Connection{
			URI: c.String("uri"), Token: c.String("token"), CACert: c.String("ca-cert"),
			Concurrency: c.Int("concurrency"), Timeout: c.Duration("timeout"),
			Retries: c.Int("retries"), Deadline: c.Duration("deadline"), Rate: c.Float64("rate"),
			InsecureHTTP:  c.Bool("insecure-http"),
			Log:           verboseLog(c.Bool("verbose")),
			MilvusVersion: c.String("milvus-version"),
			Warn:          func(msg string) { fmt.Fprintln(os.Stderr, "Warning: "+msg) },
		}
	}
	with := func(flags ...cli.Flag) []cli.Flag { return append(append([]cli.Flag{}, flags...), connFlags...) }

	app := &cli.App{
		Name:    "milvus-rbac",
		Usage:   "access control as code for Milvus and Zilliz Cloud",
		Version: command.Version,
		Description: "Describe users, roles, grants and privilege groups in a YAML file; plan, apply, " +
			"check drift, export.\n\n" + exitCodes,
		HideHelpCommand: true,
		ExitErrHandler:  func(*cli.Context, error) {},
		Commands: []*cli.Command{
			{
				Name:        "validate",
				Usage:       "check a spec file without contacting a cluster",
				Description: exitCodes,
				Flags:       []cli.Flag{fileFlag, milvusVersion},
				Action: func(c *cli.Context) error {
					code = command.Validate(streams, command.ValidateOptions{File: c.String("file"), MilvusVersion: c.String("milvus-version")})
					return nil
				},
			},
			{
				Name:        "plan",
				Usage:       "show what apply would change on the cluster",
				Description: exitCodes,
				Flags: with(fileFlag, noColor, checkPasswords, allowLockout,
					&cli.BoolFlag{Name: "detailed-exitcode", Usage: "exit 2 when the plan has changes"},
					&cli.StringFlag{Name: "format", Value: command.FormatText, Usage: "`FORMAT` of the plan: text, json, markdown (a pull-request comment) or diff (the objects as YAML)"},
					&cli.StringFlag{Name: "out", Usage: "also save the plan as JSON to `FILE`, for apply --plan"}),
				Action: func(c *cli.Context) error {
					code = command.Plan(ctx, streams, command.PlanOptions{File: c.String("file"), Connection: conn(c),
						DetailedExitCode: c.Bool("detailed-exitcode"), Format: c.String("format"), Out: c.String("out"),
						CheckPasswords: c.Bool("check-passwords"), AllowSelfLockout: c.Bool("allow-self-lockout")})
					return nil
				},
			},
			{
				Name:        "apply",
				Usage:       "make the cluster match the file",
				Description: exitCodes,
				Flags: with(fileFlag, noColor, checkPasswords, allowLockout,
					&cli.BoolFlag{Name: "auto-approve", Usage: "apply without asking (required when stdin is not a terminal)"},
					&cli.StringFlag{Name: "plan", Usage: "apply exactly the plan saved in `FILE` by plan --out, refusing it when it is stale"}),
				Action: func(c *cli.Context) error {
					file := ""
					if flagOnCommandLine(args, "f", "file") { // not from MILVUS_RBAC_FILE
						file = c.String("file")
					}
					code = command.Apply(ctx, streams, command.ApplyOptions{File: file, Connection: conn(c),
						AutoApprove: c.Bool("auto-approve"), PlanFile: c.String("plan"), CheckPasswords: c.Bool("check-passwords"),
						AllowSelfLockout: c.Bool("allow-self-lockout")})
					return nil
				},
			},
			{
				Name:        "drift",
				Usage:       "say whether the cluster differs from the file (exit 2 when it does)",
				Description: exitCodes,
				Flags: with(fileFlag, noColor, checkPasswords,
					&cli.StringFlag{Name: "format", Value: command.FormatText, Usage: "`FORMAT` of the report: text or json"}),
				Action: func(c *cli.Context) error {
					code = command.Drift(ctx, streams, command.DriftOptions{File: c.String("file"), Connection: conn(c), Format: c.String("format"),
						CheckPasswords: c.Bool("check-passwords")})
					return nil
				},
			},
			{
				Name:  "access",
				Usage: "show effective access: what a user can do, or who can do what, from the file or the cluster",
				Description: "Without -f, reads the cluster. Without --user or --can, lists every user.\n\n" +
					"   milvus-rbac access -f access.yaml --user alice\n" +
					"   milvus-rbac access -f access.yaml --can Insert --on sales.orders\n\n" + exitCodes,
				Flags: with(
					&cli.StringFlag{Name: "file", Aliases: []string{"f"}, Usage: "model the spec `FILE` instead of the cluster"},
					&cli.StringFlag{Name: "user", Usage: "what `USER` can do"},
					&cli.StringFlag{Name: "can", Usage: "who holds `PRIVILEGE` (with --user: whether that user does)"},
					&cli.StringFlag{Name: "on", Usage: "where, for --can: `DB[.COLLECTION]` (DB.USER for User privileges)"},
					&cli.StringFlag{Name: "format", Value: command.FormatText, Usage: "`FORMAT`: text or json"},
				),
				Action: func(c *cli.Context) error {
					code = command.Access(ctx, streams, command.AccessOptions{File: c.String("file"), Connection: conn(c),
						User: c.String("user"), Can: c.String("can"), On: c.String("on"), Format: c.String("format")})
					return nil
				},
			},
			{
				Name:        "check",
				Usage:       "check a spec file against a policy file (exit 1 on violations)",
				Description: "   milvus-rbac check -f access.yaml --policy examples/policies/production.yaml\n\n" + exitCodes,
				Flags: []cli.Flag{fileFlag,
					&cli.StringFlag{Name: "policy", Required: true, Usage: "the policy `FILE`"},
					&cli.StringFlag{Name: "format", Value: command.FormatText, Usage: "`FORMAT`: text or json"},
					milvusVersion,
				},
				Action: func(c *cli.Context) error {
					code = command.Check(streams, command.CheckOptions{File: c.String("file"), Policy: c.String("policy"),
						Format: c.String("format"), MilvusVersion: c.String("milvus-version")})
					return nil
				},
			},
			{
				Name:        "export",
				Usage:       "write the live cluster as a spec file",
				Description: exitCodes,
				Flags: with(
					&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE` instead of stdout"},
					&cli.StringSliceFlag{Name: "protect-user", Usage: "leave users matching `GLOB` out and protect them in the file"},
					&cli.StringSliceFlag{Name: "protect-role", Usage: "leave roles matching `GLOB` out and protect them in the file"},
				),
				Action: func(c *cli.Context) error {
					code = command.Export(ctx, streams, command.ExportOptions{
						Connection: conn(c), Output: c.String("output"),
						Protect: spec.Protect{Users: c.StringSlice("protect-user"), Roles: c.StringSlice("protect-role")},
					})
					return nil
				},
			},
		},
	}
	if err := app.RunContext(ctx, args); err != nil {
		fmt.Fprintf(os.Stderr, "Error: %s\n", strings.TrimSpace(err.Error()))
		return command.ExitError
	}
	return code
}
