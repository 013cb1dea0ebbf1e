package main

import (
	"bytes"
	"context"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a buffer the watcher goroutine writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestNoInterruptMessageOnNormalReturn: stopping the watch (what every run does when it
// returns) cancels the context and prints nothing, however the goroutine is scheduled.
func TestNoInterruptMessageOnNormalReturn(t *testing.T) {
	for range 2000 {
		var out syncBuffer
		in := watchInterrupts(context.Background(), make(chan os.Signal, 2), &out, func() { t.Error("quit without a signal") })
		in.setCommand("plan")
		in.stop()
		in.stop() // twice is fine
		<-in.ctx.Done()
		time.Sleep(time.Microsecond)
		if out.String() != "" {
			t.Fatalf("printed %q without a signal", out.String())
		}
	}
}

// TestInterruptMessageOnSignal: a signal cancels the context and prints the message of the
// running command once; a second signal quits.
func TestInterruptMessageOnSignal(t *testing.T) {
	for _, cmd := range []string{"apply", "plan", "export", "access"} {
		t.Run(cmd, func(t *testing.T) {
			var out syncBuffer
			sigs := make(chan os.Signal, 2)
			quit := make(chan struct{})
			in := watchInterrupts(context.Background(), sigs, &out, func() { close(quit) })
			defer in.stop()
			in.setCommand(cmd)
			sigs <- os.Interrupt
			<-in.ctx.Done()
			sigs <- os.Interrupt
			select {
			case <-quit:
			case <-time.After(5 * time.Second):
				t.Fatal("a second signal did not quit")
			}
			msg := out.String()
			if strings.Count(msg, "Interrupted:") != 1 {
				t.Fatalf("message %q", msg)
			}
			inFlight := strings.Contains(msg, "steps in flight finish")
			if inFlight != (cmd == "apply") {
				t.Errorf("%s: message %q", cmd, msg)
			}
			if cmd != "apply" && !strings.Contains(msg, cmd+" stops") {
				t.Errorf("%s: message %q does not name the command", cmd, msg)
			}
		})
	}
}

func TestToolVersion(t *testing.T) {
	installed := &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}
	local := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}
	cases := []struct {
		set  string
		info *debug.BuildInfo
		want string
	}{
		{"v1.0.0-3-gabc", installed, "v1.0.0-3-gabc"}, // make build wins
		{"dev", installed, "v1.2.3"},                  // go install @v1.2.3
		{"dev", local, "dev"},                         // go build in a checkout
		{"dev", nil, "dev"},
	}
	for _, c := range cases {
		if got := toolVersion(c.set, c.info); got != c.want {
			t.Errorf("toolVersion(%q, %v) = %q, want %q", c.set, c.info, got, c.want)
		}
	}
}
