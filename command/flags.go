package command

import (
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
)

// fileEnv is the environment variable that stands for -f when it is not given.
const fileEnv = "MILVUS_RBAC_FILE"

// fileFlag is -f of the commands that read a spec: files or directories (their *.yaml and
// *.yml), repeatable, merged into one spec; DefaultFile unless given.
func fileFlag() cli.Flag {
	return &cli.StringSliceFlag{Name: "file", Aliases: []string{"f"}, Usage: "the spec `FILE` or directory (its *.yaml and *.yml); repeat to merge several (default: " + DefaultFile + ")", EnvVars: []string{fileEnv}}
}

// modelFileFlag is -f of access and check: a spec to model instead of the cluster.
func modelFileFlag(verb string) cli.Flag {
	return &cli.StringSliceFlag{Name: "file", Aliases: []string{"f"}, Usage: verb + " the spec `FILE` or directory instead of the cluster (repeat to merge several)"}
}

// recursiveFlag is --recursive: the subdirectories of a -f directory too.
func recursiveFlag() cli.Flag {
	return &cli.BoolFlag{Name: "recursive", Usage: "read the subdirectories of a -f directory too"}
}

// specFiles reads -f and --recursive.
func specFiles(c *cli.Context) SpecFiles {
	return SpecFiles{Files: c.StringSlice("file"), Recursive: c.Bool("recursive")}
}

// targetFlags are the flags that run a command over the clusters of a targets file.
func targetFlags(flags ...cli.Flag) []cli.Flag {
	return append(flags,
		&cli.StringFlag{Name: "targets", Usage: "run on each cluster of the targets `FILE` (see README: Many clusters) instead of one"},
		&cli.StringSliceFlag{Name: "target", Usage: "with --targets: only the target `NAME` (repeatable; default all)"},
		&cli.IntFlag{Name: "parallel-targets", Value: 4, Usage: "with --targets: at most `N` targets at once"})
}

func noColorFlag() cli.Flag {
	return &cli.BoolFlag{Name: "no-color", Usage: "never colour the output (NO_COLOR in the environment does the same)"}
}

func allowLockoutFlag() cli.Flag {
	return &cli.BoolFlag{Name: "allow-self-lockout", Usage: "accept a plan that takes from the connecting user the privileges milvus-rbac needs to manage the cluster"}
}

func checkPasswordsFlag() cli.Flag {
	return &cli.BoolFlag{Name: "check-passwords", Usage: "log in as each listed user (one call each) to check its password; one that does not work becomes a password change"}
}

// formatFlag is --format, text unless given.
func formatFlag(usage string) cli.Flag {
	return &cli.StringFlag{Name: "format", Value: "text", Usage: usage}
}

// withConnection is flags followed by the connection flags.
func withConnection(flags ...cli.Flag) []cli.Flag { return append(flags, connFlags()...) }

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

// validateVersionFlag is validate's --milvus-version: validate reads no cluster, so nothing
// is inferred without it.
func validateVersionFlag() cli.Flag {
	return &cli.StringFlag{Name: "milvus-version", EnvVars: []string{"MILVUS_VERSION"}, Usage: "also check what Milvus `VERSION` (e.g. 2.6.12) refuses to store; without it, only what every release refuses"}
}

// connection reads the connection flags; the client's log and warnings go to s.Err.
func connection(c *cli.Context, s Streams) Connection {
	return Connection{
		URI: c.String("uri"), Token: c.String("token"), CACert: c.String("ca-cert"),
		Concurrency: c.Int("concurrency"), Timeout: c.Duration("timeout"),
		Retries: c.Int("retries"), Deadline: c.Duration("deadline"), Rate: c.Float64("rate"),
		InsecureHTTP:  c.Bool("insecure-http"),
		Log:           verboseLog(c.Bool("verbose"), s.Err),
		MilvusVersion: c.String("milvus-version"),
		Warn:          func(msg string) { fmt.Fprintln(s.Err, "Warning: "+msg) },
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
