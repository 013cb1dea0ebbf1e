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
	"unicode/utf8"

	"github.com/milvus-rbac/milvus-rbac/command"
	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/output"
	"github.com/milvus-rbac/milvus-rbac/plan"
)

// TestDriftReportSaysWhyADifferenceIsNotFixed: a target's drift as the connecting user that
// the file strips of a role is drift with its reason and what to do, in the report over
// targets as in drift alone (text and markdown), named as drift names it.
func TestDriftReportSaysWhyADifferenceIsNotFixed(t *testing.T) {
	why := "not fixed while milvus-rbac connects as user ops: run drift and apply as another user, or change the file"
	doc := &plan.Document{Kind: plan.DocumentDrift, Spec: plan.SpecRef{Path: "access"}, Mode: "adopt",
		Steps: []plan.DocStep{{Step: plan.Step{Action: plan.RevokeRole, User: "ops", Role: "admin"}, Destructive: true,
			Description: "revoke role admin from user ops", Drift: "extra", NotFixed: why}},
		Summary: plan.Summary{Total: 1, Destructive: 1, Changes: true}}
	r := Result{Target: Target{Name: "prod"}, Code: 2, Doc: doc}
	text := section(Drift, r)
	for _, want := range []string{"extra   role admin of user ops\n", why, "Drift: 0 missing, 1 extra."} {
		if !strings.Contains(text, want) {
			t.Errorf("text report lacks %q:\n%s", want, text)
		}
	}
	md := markdownSection(Drift, r, 10000)
	for _, want := range []string{"- extra role admin of user ops", "not fixed while milvus-rbac connects as user ops"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown report lacks %q:\n%s", want, md)
		}
	}
}

// TestTargetErrorIsTheCommandsError: a target's error in the report is the error its command
// returned, whole, even when the message quotes text that reads like the "Error: " of a log
// line (here, a role name in the spec file).
func TestTargetErrorIsTheCommandsError(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "access.yaml"), []byte("version: 1\nroles:\n  - name: \"Error: x\"\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "targets.yaml"), []byte("version: 1\ntargets:\n  - name: one\n    uri: http://127.0.0.1:1\n    files: [access.yaml]\n"), 0o644))
	var out, errb bytes.Buffer
	conn := command.Connection{Concurrency: 1, Timeout: time.Second}
	code := Run(context.Background(), command.Streams{Out: &out, Err: &errb, NoColor: true},
		Options{Command: Plan, File: filepath.Join(dir, "targets.yaml"), Parallel: 1, Format: string(output.JSON), Connection: conn})
	if code != command.ExitError {
		t.Fatalf("exit %d, want 1\n%s", code, errb.String())
	}
	var rep Report
	must(json.Unmarshal(out.Bytes(), &rep))
	want := filepath.Join(dir, "access.yaml") + `:3: roles[0].name: role name "Error: x" may contain only`
	if len(rep.Targets) != 1 || !strings.HasPrefix(rep.Targets[0].Error, want) {
		t.Errorf("target error %q, want it to start with %q", rep.Targets[0].Error, want)
	}
}

// TestApplyPlansOfAnotherVersion: apply --targets --plan DIR refuses a target's plan made by
// another milvus-rbac version, naming the flag, and applies it with AllowOtherToolVersion.
func TestApplyPlansOfAnotherVersion(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(emulator.New(emulator.Options{}))
	t.Cleanup(srv.Close)
	must(os.WriteFile(filepath.Join(dir, "access.yaml"), []byte("version: 1\nroles:\n  - name: reader\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "targets.yaml"), []byte("version: 1\ntargets:\n  - name: one\n    uri: "+srv.URL+"\n    token_env: FLEET_TEST_TOKEN\n    files: [access.yaml]\n"), 0o644))
	t.Setenv("FLEET_TEST_TOKEN", "root:Milvus")
	conn := command.Connection{Concurrency: 2, Timeout: 5 * time.Second}
	plans := filepath.Join(dir, "plans")
	run := func(o Options) (int, string) {
		var out, errb bytes.Buffer
		o.File, o.Parallel, o.Connection = filepath.Join(dir, "targets.yaml"), 1, conn
		code := Run(context.Background(), command.Streams{In: strings.NewReader(""), Out: &out, Err: &errb, NoColor: true}, o)
		return code, out.String() + errb.String()
	}
	if code, out := run(Options{Command: Plan, Out: plans}); code != command.ExitChanges {
		t.Fatalf("plan: exit %d\n%s", code, out)
	}
	// The plan as another version wrote it.
	saved := filepath.Join(plans, "one.json")
	data, err := os.ReadFile(saved)
	must(err)
	other := strings.Replace(string(data), `"tool_version": "`+command.Version+`"`, `"tool_version": "v0.0.1-other"`, 1)
	if other == string(data) {
		t.Fatalf("no tool_version %q in the saved plan:\n%s", command.Version, data)
	}
	must(os.WriteFile(saved, []byte(other), 0o644))
	if code, out := run(Options{Command: Apply, PlanDir: plans}); code != command.ExitError || !strings.Contains(out, "--allow-other-tool-version") {
		t.Fatalf("apply of another version's plan: exit %d\n%s", code, out)
	}
	if code, out := run(Options{Command: Apply, PlanDir: plans, AllowOtherToolVersion: true}); code != command.ExitOK || !strings.Contains(out, "The cluster matches") {
		t.Errorf("apply with AllowOtherToolVersion: exit %d\n%s", code, out)
	}
}

// TestMarkdownReportFitsOneComment: the markdown report over many targets stays within the
// size of one pull-request comment, whatever their number and errors, and says what it left
// out.
func TestMarkdownReportFitsOneComment(t *testing.T) {
	for _, n := range []int{3, 60, 300, 1000} {
		var results []Result
		for i := range n {
			results = append(results, Result{Target: Target{Name: fmt.Sprintf("cluster-%04d-eu-west", i)}, Code: command.ExitError,
				Err: "x" + strings.Repeat("é", 80) + fmt.Sprintf(" read cluster https://milvus-%04d.prod.eu-west.example.com:19530: list roles: roles/list: request to milvus-%04d.prod.eu-west.example.com:19530: dial tcp: lookup milvus-%04d.prod.eu-west.example.com: no such host (réseau)\nHint: cannot resolve the host", i, i, i)})
		}
		var b bytes.Buffer
		if err := writeMarkdown(&b, Options{Command: Plan}, results); err != nil {
			t.Fatal(err)
		}
		if b.Len() > plan.MaxMarkdown {
			t.Errorf("%d targets: %d characters, over the cap of %d", n, b.Len(), plan.MaxMarkdown)
		}
		if !utf8.Valid(b.Bytes()) {
			t.Errorf("%d targets: the report is not valid UTF-8", n)
		}
		if !strings.Contains(b.String(), "cluster-0000-eu-west") {
			t.Errorf("%d targets: the first target is not named", n)
		}
		if n >= 300 && !strings.Contains(b.String(), "more target(s)") {
			t.Errorf("%d targets: nothing says what was left out", n)
		}
	}
}

// TestCutKeepsCharactersWhole: a section cut to its share ends on a whole character, with
// the note that says it was cut.
func TestCutKeepsCharactersWhole(t *testing.T) {
	s := "x" + strings.Repeat("é", 400)
	got := cut(s, 300)
	if len(got) > 300 || !utf8.ValidString(got) || !strings.Contains(got, "cut to fit one comment") {
		t.Errorf("cut: %d bytes, valid %v:\n%s", len(got), utf8.ValidString(got), got)
	}
}
