package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCIExamplesKeepTheWholePlan checks what the markdown comment promises when it is cut
// ("the full plan is in the job log ..., and in its saved JSON plan"): each CI example prints
// the text plan to the job log (no --format, no redirection) and keeps plan.json.
func TestCIExamplesKeepTheWholePlan(t *testing.T) {
	files, _ := filepath.Glob("../examples/ci/*.yml")
	if len(files) < 2 {
		t.Fatalf("CI examples: %v", files)
	}
	action, err := os.ReadFile("../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	toLog := regexp.MustCompile(`(?m)^\s*(- )?milvus-rbac plan -f (access\.yaml|"\$INPUT_FILE")( "\$\{extra\[@\]\}")?( \|\| exit 1)?\s*$`)
	if !toLog.Match(action) || !strings.Contains(string(action), `--out "$json"`) {
		t.Errorf("action.yml does not print the text plan to the job log and save the JSON plan")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		if strings.Contains(s, "uses: milvus-rbac/milvus-rbac@") {
			// The Action prints the text plan (checked above); the example keeps its JSON plan.
			if !strings.Contains(s, "path: ${{ steps.plan.outputs.json-path }}") {
				t.Errorf("%s does not keep the Action's JSON plan as an artifact", f)
			}
			continue
		}
		if !toLog.MatchString(s) {
			t.Errorf("%s does not print the text plan to the job log", f)
		}
		if !strings.Contains(s, "--out plan.json") || !(strings.Contains(s, "path: plan.json") || strings.Contains(s, "paths: [plan.json")) {
			t.Errorf("%s does not keep plan.json as an artifact", f)
		}
	}
}
