package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
)

// fleetRow is one timed run of plan --targets over many clusters.
type fleetRow struct {
	Targets, Parallel int
	Latency           time.Duration
	Wall              time.Duration
	Calls, Want       int
	// Slowest is the slowest plan of one target alone; Sum the plans of all targets one by
	// one.
	Slowest, Sum time.Duration
}

// fleetFixture is each target's state: the small case.
var fleetFixture = fixture{Users: 100, Roles: 10, Grants: 10, RolesPerUser: 2}

// runFleet starts n emulators holding the small case, times plan -f against each alone, then
// plan --targets over all of them at each of parallels, and counts the calls every emulator
// got: each target must make exactly the calls of one plan.
func runFleet(o options, n int, parallels []int, dir string, stderr io.Writer) ([]fleetRow, error) {
	f := fleetFixture
	file := filepath.Join(dir, "fleet.yaml")
	if err := f.writeSpec(file); err != nil {
		return nil, err
	}
	clusters := make([]*cluster, 0, n)
	defer func() {
		for _, c := range clusters {
			c.Close()
		}
	}()
	var targets strings.Builder
	targets.WriteString("version: 1\ndefaults:\n  files: [" + file + "]\n  token_env: BENCH_TOKEN\ntargets:\n")
	for i := range n {
		c, err := startCluster(f.emulatorOptions(o.latency))
		if err != nil {
			return nil, err
		}
		clusters = append(clusters, c)
		if err := f.seed(c.Emu); err != nil {
			return nil, err
		}
		fmt.Fprintf(&targets, "  - name: t%02d\n    uri: %s\n", i+1, c.URI)
	}
	targetsFile := filepath.Join(dir, "targets.yaml")
	if err := os.WriteFile(targetsFile, []byte(targets.String()), 0o644); err != nil {
		return nil, err
	}
	users, roles := clusters[0].size()
	want := n * (users + roles + 3)

	fmt.Fprintf(stderr, "bench:   fleet: plan -f against each of %d targets alone\n", n)
	var slowest, sum time.Duration
	for _, c := range clusters {
		r, err := runBinary(o.bin, c, 0, "plan", "-f", file, "--detailed-exitcode", "--concurrency", fmt.Sprint(o.concurrency))
		if err != nil {
			return nil, err
		}
		slowest, sum = max(slowest, r.Wall), sum+r.Wall
	}
	var rows []fleetRow
	for _, p := range parallels {
		fmt.Fprintf(stderr, "bench:   fleet: plan --targets (%d) --parallel-targets %d\n", n, p)
		for _, c := range clusters {
			c.Emu.ResetCalls()
		}
		cmd := exec.Command(o.bin, "plan", "--targets", targetsFile, "--parallel-targets", fmt.Sprint(p), "--concurrency", fmt.Sprint(o.concurrency))
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "NO_COLOR=1",
			"BENCH_TOKEN=root:" + emulator.DefaultRootPassword, passwordEnv + "=" + password}
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		start := time.Now()
		err := cmd.Run()
		wall := time.Since(start)
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			return rows, err
		}
		if code := cmd.ProcessState.ExitCode(); code != 0 {
			return rows, fmt.Errorf("plan --targets: exit %d, want 0 (every target in sync)\n%s\n%s", code, tail(out.String()), tail(errb.String()))
		}
		calls := 0
		for _, c := range clusters {
			calls += c.Emu.TotalCalls()
		}
		rows = append(rows, fleetRow{Targets: n, Parallel: p, Latency: o.latency, Wall: wall, Calls: calls, Want: want, Slowest: slowest, Sum: sum})
	}
	return rows, nil
}

// printFleet prints the fleet table; it returns false when an exact check failed.
func printFleet(w io.Writer, rows []fleetRow) bool {
	if len(rows) == 0 {
		return true
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "fleet:  plan --targets over %d clusters, each the small case in sync (%s), latency %s per call;\n", rows[0].Targets, fleetFixture, rows[0].Latency)
	fmt.Fprintln(w, "        against the slowest target planned alone (the bound when every target runs at once)")
	fmt.Fprintln(w, "        and against planning the targets one by one")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| targets | parallel | calls | expected |   wall   | slowest alone | wall/slowest | one by one | speedup |")
	fmt.Fprintln(w, "|--------:|---------:|------:|---------:|---------:|--------------:|-------------:|-----------:|--------:|")
	ok := true
	for _, r := range rows {
		calls := fmt.Sprint(r.Calls)
		if r.Calls != r.Want {
			calls += " !"
			ok = false
		}
		fmt.Fprintf(w, "| %7d | %8d | %5s | %8d | %8s | %13s | %12.2f | %10s | %6.1fx |\n", r.Targets, r.Parallel, calls, r.Want,
			seconds(r.Wall), seconds(r.Slowest), float64(r.Wall)/float64(r.Slowest), seconds(r.Sum), float64(r.Sum)/float64(r.Wall))
	}
	return ok
}
