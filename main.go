// Command milvus-rbac manages Milvus and Zilliz Cloud users, roles, grants and privilege
// groups from a YAML file: validate, plan, apply, drift, export, access and check.
//
// This file is the process only: signals, streams, and the one place where a command's error
// becomes an exit code (exitCode). The commands, their flags and options are in package
// command, each built by its NewCmd constructor.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"golang.org/x/term"

	"github.com/milvus-rbac/milvus-rbac/command"
	"github.com/milvus-rbac/milvus-rbac/fleet"
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

// run runs the command line and returns its exit code.
func run(in *interrupts, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := command.Env{
		Streams: command.Streams{
			In: stdin, Out: stdout, Err: stderr,
			InTTY: isTerminal(stdin), OutTTY: isTerminal(stdout),
			NoColor: os.Getenv("NO_COLOR") != "",
		},
		Args:    args,
		Getenv:  os.Getenv,
		Started: in.setCommand,
		Targets: fleet.Over,
	}
	return exitCode(stderr, command.Run(in.ctx, env, args))
}

// exitCode prints err, with a hint when its cause is known, and returns its exit code
// (command.Report: one reading for every error, here and for each target of --targets).
func exitCode(stderr io.Writer, err error) int { return command.Report(stderr, err) }

// toolVersion is the version set at build time (make build: the git description), or else
// the module version of `go install github.com/milvus-rbac/milvus-rbac@v1.2.3`, or "dev". Saved
// plans record it, and apply --plan refuses a plan of another version.
func toolVersion(set string, info *debug.BuildInfo) string {
	if set != "dev" || info == nil || info.Main.Version == "" || info.Main.Version == "(devel)" {
		return set
	}
	return info.Main.Version
}

// isTerminal reports whether r is a terminal. /dev/null is a character device but not a
// terminal: `apply < /dev/null` must not wait for an answer nobody can type.
func isTerminal(r any) bool {
	f, ok := r.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}
