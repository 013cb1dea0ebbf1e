package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
)

// TestTokenOverPlainHTTPRefused: a token is not sent in clear text to a host other than
// loopback; the error says how to proceed, shows no secret, and no call is attempted (the
// address is unroutable, so an attempt would hang until the timeout).
func TestTokenOverPlainHTTPRefused(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	env := []string{"MILVUS_URI=http://192.0.2.1:19530", "MILVUS_TOKEN=root:Sekret-Pw-9"}
	start := time.Now()
	r := c.run(t, append(env, quickstartEnv...), "plan", "-f", quickstart, "--timeout", "2s", "--retries", "0")
	expect(t, r, 1, "192.0.2.1:19530", "https://", "--insecure-http")
	if strings.Contains(r.Stdout+r.Stderr, "Sekret-Pw-9") {
		t.Errorf("output shows the token:\n%s", r)
	}
	if took := time.Since(start); took > 1500*time.Millisecond {
		t.Errorf("took %s: a call was attempted", took)
	}
}

// TestTransportFlags: --rate, --retries and --deadline reach the client.
func TestTransportFlags(t *testing.T) {
	if live() {
		t.Skip("counts calls and injects faults on the emulator")
	}
	c := newCluster(t, emulator.Options{})

	// 11 reads at 40 calls per second take at least 10 × 25 ms.
	start := time.Now()
	expect(t, c.run(t, quickstartEnv, "plan", "-f", quickstart, "--rate", "40"), 0)
	if took, calls := time.Since(start), c.Emu.TotalCalls(); took < time.Duration(calls-1)*25*time.Millisecond {
		t.Errorf("%d calls in %s with --rate 40", calls, took)
	}

	// Every call fails with 503: --retries 1 makes at most two attempts of each of the
	// three first reads (the first to give up cancels the others).
	c.Emu.ResetCalls()
	c.Emu.SetFaults(emulator.Faults{Rate: 1, Kinds: []string{emulator.Fault503}})
	r := c.run(t, quickstartEnv, "plan", "-f", quickstart, "--retries", "1")
	expect(t, r, 1, "HTTP 503", "(2 attempts)")
	most := 0
	for _, n := range c.Emu.Calls() {
		most = max(most, n)
	}
	if most != 2 || c.Emu.TotalCalls() > 6 {
		t.Errorf("calls %v: want at most 2 of each", c.Emu.Calls())
	}

	// A deadline shorter than the backoff ends the run at once, with the last error.
	c.Emu.SetFaults(emulator.Faults{Rate: 1, Kinds: []string{emulator.Fault503}})
	start = time.Now()
	r = c.run(t, quickstartEnv, "plan", "-f", quickstart, "--deadline", "50ms", "--retries", "10")
	expect(t, r, 1, "HTTP 503")
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("took %s with --deadline 50ms", took)
	}
	c.Emu.SetFaults(emulator.Faults{})
}
