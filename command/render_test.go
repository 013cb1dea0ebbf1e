package command

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/milvus-rbac/milvus-rbac/schematest"
	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/milvus-rbac/milvus-rbac/markdown/mdtest"
	"github.com/milvus-rbac/milvus-rbac/milvus"
	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/milvus/milvustest"
	"github.com/milvus-rbac/milvus-rbac/output"
	"github.com/milvus-rbac/milvus-rbac/plan"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

var update = flag.Bool("update", false, "rewrite the golden renderings in testdata/render")

// renderURI replaces the emulator's random address in the goldens.
const renderURI = "http://127.0.0.1:19530"

// TestRenderGolden renders, for each case of testdata/render/<case>, the plan of
// ../plan/testdata/golden/<case> (where it is also applied and re-planned) in every format,
// and its drift report, as the commands print them, connected as root or as the user named in
// the case's token file; each must equal its golden file. Every markdown rendering must render
// as meant (mdtest.CheckComment) and stay under the cap, every JSON document must match
// docs/plan.schema.json, and no rendering may show a file-only field as a change.
func TestRenderGolden(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/render/*")
	if len(dirs) < 5 {
		t.Fatalf("render cases: %v", dirs)
	}
	t.Setenv("GOLDEN_PW", "Golden-Pw-2026")
	t.Setenv("GOLDEN_OLD_PW", "Golden-Old-Pw-2025")
	schema := planSchema(t)
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) { renderCase(t, dir, schema) })
	}
}

func renderCase(t *testing.T, dir string, schema *jsonschema.Schema) {
	inputs := filepath.Join("../plan/testdata/golden", filepath.Base(dir))
	desired := filepath.Join(inputs, "desired.yaml")
	live, err := spec.Load(filepath.Join(inputs, "live.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emulator.New(milvustest.Limits(t, inputs, emulator.Options{})))
	defer srv.Close()
	seedCluster(t, srv.URL, live.State)
	token := "root:Milvus"
	if data, err := os.ReadFile(filepath.Join(dir, "token")); err == nil {
		token = strings.TrimSpace(string(data))
	}
	conn := Connection{URI: srv.URL, Token: token, Concurrency: 16, Timeout: 30 * time.Second}
	run := func(want int, f func(Streams) error) string {
		t.Helper()
		var out, errb bytes.Buffer
		if err := f(Streams{In: strings.NewReader(""), Out: &out, Err: &errb}); Code(err) != want {
			t.Fatalf("exit %d (%v), want %d\n%s%s", Code(err), err, want, out.String(), errb.String())
		}
		return strings.ReplaceAll(out.String(), srv.URL, renderURI)
	}
	outputs := map[string]string{}
	for _, format := range []output.Format{output.Text, output.Markdown, output.JSON, output.Diff} {
		outputs["plan."+map[output.Format]string{output.Text: "txt", output.Markdown: "md", output.JSON: "json", output.Diff: "diff"}[format]] =
			run(ExitOK, func(s Streams) error {
				return Plan(context.Background(), s, PlanOptions{File: desired, Connection: conn, Format: string(format)})
			})
	}
	outputs["drift.txt"] = run(ExitChanges, func(s Streams) error {
		return Drift(context.Background(), s, DriftOptions{File: desired, Connection: conn})
	})
	outputs["drift.json"] = run(ExitChanges, func(s Streams) error {
		return Drift(context.Background(), s, DriftOptions{File: desired, Connection: conn, Format: string(output.JSON)})
	})
	for _, name := range []string{"plan.json", "drift.json"} {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(outputs[name]))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("%s does not match docs/plan.schema.json: %v", name, err)
		}
	}
	for name, got := range outputs {
		checkRenderGolden(t, filepath.Join(dir, name), got)
		if strings.Contains(got, "previous_password") || strings.Contains(got, "GOLDEN_OLD_PW") {
			t.Errorf("%s shows previous_password, which only the file holds", name)
		}
	}

	md := outputs["plan.md"]
	if len(md) > plan.MaxMarkdown {
		t.Errorf("plan.md is %d characters, over the cap of %d", len(md), plan.MaxMarkdown)
	}
	root, problems := mdtest.CheckComment(md)
	if len(problems) > 0 {
		t.Fatalf("plan.md does not render as meant:\n%s", strings.Join(problems, "\n"))
	}
	var doc plan.Document
	if err := json.Unmarshal([]byte(outputs["plan.json"]), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.AccessSummary) == 0 || len(doc.AccessDelta) == 0 {
		t.Error("plan.json lacks access_delta or access_summary")
	}
	// What a reader sees of each destructive step listed is its description, word for word:
	// no name or pattern turned into markup.
	items := map[string]bool{}
	for _, li := range root.All("li") {
		items[li.Text()] = true
	}
	listed := 0
	for _, s := range doc.Steps {
		if !s.Destructive || listed == plan.MaxDestructiveListed {
			continue
		}
		listed++
		if !items["- "+s.Description] {
			t.Errorf("plan.md shows no item reading %q", "- "+s.Description)
		}
	}
	if more := doc.Summary.Destructive - listed; more > 0 && !strings.Contains(md, fmt.Sprintf("And %d more destructive step(s)", more)) {
		t.Errorf("plan.md does not say that %d more destructive steps are not listed", more)
	}
	t.Logf("%d steps: plan.md %d characters, text access summary %d lines", len(doc.Steps), len(md), accessLines(outputs["plan.txt"]))
}

// accessLines counts the lines of the access summary at the end of a text plan.
func accessLines(text string) int {
	i := strings.Index(text, "Effective access")
	if i < 0 {
		return 0
	}
	return strings.Count(text[i:], "\n")
}

func checkRenderGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./command -run TestRenderGolden -update to create it)", err)
	}
	if got != string(want) {
		dmp := diffmatchpatch.New()
		t.Errorf("%s differs:\n%s", path, dmp.DiffPrettyText(dmp.DiffMain(string(want), got, false)))
	}
}

func planSchema(t *testing.T) *jsonschema.Schema {
	return schematest.Compile(t, "../docs/plan.schema.json")
}

// seedCluster creates s on the cluster at uri (milvustest.Seed).
func seedCluster(t *testing.T, uri string, s *spec.State) {
	t.Helper()
	c, err := milvus.New(milvus.Config{URI: uri, Token: "root:Milvus"})
	if err != nil {
		t.Fatal(err)
	}
	milvustest.Seed(t, c, s, false)
}
