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
	toLog := regexp.MustCompile(`(?m)^\s*(- )?milvus-rbac plan -f access\.yaml( \|\| exit 1)?\s*$`)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		if !toLog.MatchString(s) {
			t.Errorf("%s does not print the text plan to the job log", f)
		}
		if !strings.Contains(s, "--out plan.json") || !(strings.Contains(s, "path: plan.json") || strings.Contains(s, "paths: [plan.json")) {
			t.Errorf("%s does not keep plan.json as an artifact", f)
		}
	}
}
