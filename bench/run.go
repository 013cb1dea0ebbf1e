package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"time"

	"github.com/milvus-rbac/milvus-rbac/milvus"
	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/plan"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// cluster is an emulator served on loopback, in this process.
type cluster struct {
	Emu *emulator.Server
	URI string
	srv *http.Server
}

func startCluster(opts emulator.Options) (*cluster, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	c := &cluster{Emu: emulator.New(opts), URI: "http://" + ln.Addr().String()}
	c.srv = &http.Server{Handler: c.Emu, ReadHeaderTimeout: 10 * time.Second}
	go c.srv.Serve(ln)
	return c, nil
}

func (c *cluster) Close() { c.srv.Close() }

// size is how many users and roles the cluster holds, built-ins included: what a read lists.
func (c *cluster) size() (users, roles int) { return len(c.Emu.Users()), len(c.Emu.Roles()) }

// run is one timed run of the binary.
type run struct {
	Wall   time.Duration
	Calls  int
	Peak   int
	Stdout string
}

// runBinary runs `milvus-rbac args...` against c as a user would, from a clean environment,
// and times it from start to exit. The exit code must be want.
func runBinary(bin string, c *cluster, want int, args ...string) (run, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "NO_COLOR=1",
		"MILVUS_URI=" + c.URI, "MILVUS_TOKEN=root:" + emulator.DefaultRootPassword, passwordEnv + "=" + password}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	c.Emu.ResetCalls()
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	code := 0
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		return run{}, fmt.Errorf("run %v: %w", args, err)
	}
	if code != want {
		return run{}, fmt.Errorf("milvus-rbac %v: exit %d, want %d\n--- stdout (end)\n%s\n--- stderr (end)\n%s",
			args, code, want, tail(out.String()), tail(errb.String()))
	}
	return run{Wall: wall, Calls: c.Emu.TotalCalls(), Peak: c.Emu.PeakInFlight(), Stdout: out.String()}, nil
}

func tail(s string) string {
	const n = 2000
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// livePlan reads c with the library's client and plans file against it, as the binary will:
// the harness needs the plan's phases to compute the bound. The calls it makes are not counted
// (runBinary resets the counters).
func livePlan(c *cluster, file string) (*plan.Plan, error) {
	sp, err := spec.Load(file)
	if err != nil {
		return nil, err
	}
	client, err := milvus.New(milvus.Config{URI: c.URI, Token: "root:" + emulator.DefaultRootPassword})
	if err != nil {
		return nil, err
	}
	live, err := client.Read(context.Background())
	if err != nil {
		return nil, err
	}
	return plan.Diff(sp, live.State, plan.Options{ConnectedUser: client.User(), NoPrivilegeGroups: !live.Features.PrivilegeGroups})
}

// phases returns the number of steps of each phase of p, in order: a phase is a run of steps
// of one action, which apply carries out before the next one starts.
func phases(p *plan.Plan) []phase {
	var out []phase
	for _, s := range p.Steps {
		if n := len(out); n > 0 && out[n-1].Action == s.Action {
			out[n-1].Steps++
			continue
		}
		out = append(out, phase{Action: s.Action, Steps: 1})
	}
	return out
}

type phase struct {
	Action plan.Action
	Steps  int
}

var (
	summaryRE = regexp.MustCompile(`(?m)^Apply: .*$`)
	countRE   = regexp.MustCompile(`(\d+) (\w+)`)
)

// appliedSteps reads apply's summary line ("Apply: 12 done, 0 failed, 0 skipped.", whatever
// outcomes it lists): the number of steps done, every other outcome being 0.
func appliedSteps(stdout string) (int, error) {
	line := summaryRE.FindString(stdout)
	if line == "" {
		return 0, fmt.Errorf("apply printed no summary line:\n%s", tail(stdout))
	}
	done := -1
	for _, m := range countRE.FindAllStringSubmatch(line, -1) {
		n, err := strconv.Atoi(m[1])
		if err != nil {
			return 0, err
		}
		switch {
		case m[2] == "done":
			done = n
		case n != 0:
			return 0, fmt.Errorf("apply: %s", line)
		}
	}
	if done < 0 {
		return 0, fmt.Errorf("apply's summary has no done count: %s", line)
	}
	return done, nil
}

// readRounds is issue 5's bound of a read of users and roles at concurrency conc, in rounds:
// two for the three lists, then the describes, conc at a time. The lists need only one round
// when conc >= 3, so a read may finish a little under this bound.
func readRounds(users, roles, conc int) int { return 2 + ceilDiv(users+roles, conc) }

func ceilDiv(a, b int) int { return (a + b - 1) / b }
