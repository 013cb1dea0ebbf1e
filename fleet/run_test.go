package fleet

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/milvus-rbac/milvus-rbac/command"
	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/output"
)

// TestRunIsolatesTargets runs plan over three emulators in this process (so that the race
// detector sees the targets run at once), one of them unreachable: the two others are planned,
// the third fails alone, and the exit code is 1.
func TestRunIsolatesTargets(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "access.yaml")
	if err := os.WriteFile(spec, []byte("version: 1\nroles:\n  - name: reader\n    grants:\n      - privilege: Search\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var targets strings.Builder
	targets.WriteString("version: 1\ndefaults:\n  files: [access.yaml]\n  token_env: FLEET_TEST_TOKEN\ntargets:\n")
	for i := range 2 {
		srv := httptest.NewServer(emulator.New(emulator.Options{}))
		t.Cleanup(srv.Close)
		fmt.Fprintf(&targets, "  - name: ok%d\n    uri: %s\n", i, srv.URL)
	}
	dead := httptest.NewServer(emulator.New(emulator.Options{}))
	dead.Close()
	fmt.Fprintf(&targets, "  - name: down\n    uri: %s\n", dead.URL)
	file := filepath.Join(dir, "targets.yaml")
	if err := os.WriteFile(file, []byte(targets.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("FLEET_TEST_TOKEN", "root:Milvus")
	// A plan of "down" saved by an earlier run: apply --plan DIR must not find it after this
	// run failed to plan "down".
	plans := filepath.Join(dir, "plans")
	if err := os.MkdirAll(plans, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(plans, "down.json"), []byte(`{"format_version": "1.2", "kind": "plan"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	conn := command.Connection{Concurrency: 4, Timeout: 5 * time.Second, Log: func(string, ...any) {}}
	code := Run(context.Background(), command.Streams{Out: &out, Err: &errb, NoColor: true},
		Options{Command: Plan, File: file, Parallel: 3, Format: string(output.JSON), Out: plans, Connection: conn})
	if _, err := os.Stat(filepath.Join(plans, "down.json")); err == nil {
		t.Error("the earlier plan of the failed target is still in the plan directory")
	}
	if _, err := os.Stat(filepath.Join(plans, "ok0.json")); err != nil {
		t.Errorf("no plan saved for ok0: %v", err)
	}
	if code != command.ExitError {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out.String(), errb.String())
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, tr := range rep.Targets {
		got[tr.Name] = fmt.Sprintf("exit %d, %d changes, failed %v", tr.ExitCode, tr.Changes, tr.Error != "")
	}
	want := map[string]string{"ok0": "exit 0, 2 changes, failed false", "ok1": "exit 0, 2 changes, failed false", "down": "exit 1, 0 changes, failed true"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s, want %s", k, got[k], v)
		}
	}
	if rep.Summary != (Summary{Targets: 3, Failed: 1, WithChanges: 2, ExitCode: 1}) {
		t.Errorf("summary %+v", rep.Summary)
	}
}

// TestPrefixedLeavesOutBlankLines: each line of a target's log names the target; a blank
// line (a command's spacing) is not turned into "[name] ".
func TestPrefixedLeavesOutBlankLines(t *testing.T) {
	got := string(prefixed("dev", "Applying the plan saved in p.json.\n\n[1/2] create role r\n"))
	want := "[dev] Applying the plan saved in p.json.\n[dev] [1/2] create role r\n"
	if got != want {
		t.Errorf("prefixed = %q, want %q", got, want)
	}
}

// TestTargetHintsNameTheTargetsFile: a target's connection comes from the targets file, so its
// hints name the file's fields, not the flags and variables of a single run.
func TestTargetHintsNameTheTargetsFile(t *testing.T) {
	for hint, want := range map[string]string{
		"is Milvus running at http://h:1? set --uri or MILVUS_URI":                                                            "is Milvus running at http://h:1? set the target's uri in the targets file",
		"the server refused the credentials, or none were sent: set MILVUS_TOKEN (or --token) to user:password or an API key": "the server refused the credentials, or none were sent: set the variable the target's token_env names to user:password or an API key",
		"the server's certificate is signed by an unknown authority: pass its CA certificate with --ca-cert":                  "the server's certificate is signed by an unknown authority: pass its CA certificate with the target's ca_cert",
	} {
		if got := targetHints.Replace(hint); got != want {
			t.Errorf("%q\ngot  %q\nwant %q", hint, got, want)
		}
	}
}
