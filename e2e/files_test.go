package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/release"
)

// teamFiles writes a spec split as an organisation would split it for CODEOWNERS: shared
// settings and templates, then one file per team.
func teamFiles(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range map[string]string{
		"00-base.yaml": `version: 1
mode: adopt
templates:
  - name: db_access
    roles:
      - name: "{db}_reader"
        description: reads {db}
        grants:
          - privilege: CollectionReadOnly
            database: "{db}"
      - name: "{db}_writer"
        grants:
          - privilege: CollectionReadWrite
            database: "{db}"
instances:
  - template: db_access
    databases: [sales, hr]
`,
		"team-sales.yaml": `version: 1
users:
  - name: sales_app
    description: the sales service
    password: {env: SALES_PW}
    roles: [sales_writer]
`,
		"team-hr.yaml": `version: 1
users:
  - name: hr_app
    password: {env: HR_PW}
    roles: [hr_reader]
`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var teamEnv = []string{"SALES_PW=Sales-Pw-123", "HR_PW=Hr-Pw-1234"}

// TestSpecDirectoryPlanApplyReplan: -f DIR merges the team files and expands the template;
// -v names the file of each object; apply converges; a saved plan of the directory records
// every file and goes stale when one team's file changes.
func TestSpecDirectoryPlanApplyReplan(t *testing.T) {
	// The databases exist: from 2.6.12 Milvus refuses grants in a database that does not.
	c := newCluster(t, emulator.Options{Databases: map[string]emulator.Database{"sales": {}, "hr": {}}})
	dir := teamFiles(t)
	r := c.run(t, teamEnv, "validate", "-f", dir)
	expect(t, r, 0, "is valid: 2 users, 4 roles")
	r = c.run(t, teamEnv, "validate", "-f", dir, "--expand")
	expect(t, r, 0, "- name: hr_reader\n    description: reads hr\n", "- name: sales_writer")
	if strings.Contains(r.Stdout, "templates") || strings.Contains(r.Stdout, "{db}") {
		t.Errorf("--expand left the template in:\n%s", r.Stdout)
	}
	r = c.run(t, teamEnv, "plan", "-f", dir, "-v")
	// Releases that keep descriptions (2.6.19 and later) create them with the object.
	userDesc, roleDesc := "", ""
	if c.Emu != nil && release.For(c.Emu.Version()).Has(release.Descriptions) {
		userDesc, roleDesc = ` described as "the sales service"`, ` described as "reads hr"`
	}
	expect(t, r, 0, "+ create user sales_app with password = (sensitive)"+userDesc+"  # "+filepath.Join(dir, "team-sales.yaml")+":3",
		`+ create role hr_reader`+roleDesc+`  # `+filepath.Join(dir, "00-base.yaml")+`:6 (from template "db_access", instance instances[0] at `+filepath.Join(dir, "00-base.yaml")+`:16, db=hr)`)
	r = c.run(t, teamEnv, "plan", "-f", dir)
	if strings.Contains(r.Stdout, "  # ") {
		t.Errorf("without -v the text plan names no files:\n%s", r.Stdout)
	}
	r = c.run(t, teamEnv, "plan", "-f", dir, "--format", "diff")
	expect(t, r, 0, "+++ desired/user/sales_app  # "+filepath.Join(dir, "team-sales.yaml")+":3\n", "+description: the sales service")
	r = c.run(t, teamEnv, "plan", "-f", filepath.Join(dir, "00-base.yaml"), "-f", filepath.Join(dir, "team-hr.yaml"), "--format", "json")
	expect(t, r, 0, `"specs": [`, `"source": "`+filepath.Join(dir, "team-hr.yaml")+`:3"`)

	out := filepath.Join(t.TempDir(), "plan.json")
	expect(t, c.run(t, teamEnv, "plan", "-f", dir, "--out", out), 0, "Saved the plan")
	saved, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"00-base.yaml", "team-hr.yaml", "team-sales.yaml"} {
		if !strings.Contains(string(saved), f+`",`) {
			t.Errorf("the saved plan does not record %s:\n%s", f, saved)
		}
	}
	// One team edits its file: the saved plan is stale and names that file.
	hr := filepath.Join(dir, "team-hr.yaml")
	orig, _ := os.ReadFile(hr)
	must(t, os.WriteFile(hr, append(orig, []byte("    description: changed\n")...), 0o644))
	r = c.run(t, teamEnv, "apply", "--plan", out)
	expect(t, r, 1, "is stale", "team-hr.yaml changed since the plan was made")
	must(t, os.WriteFile(hr, orig, 0o644))
	r = c.run(t, teamEnv, "apply", "--plan", out)
	expect(t, r, 0, "The cluster matches")
	expect(t, c.run(t, teamEnv, "plan", "-f", dir, "--detailed-exitcode"), 0, "No changes.")
}

// TestDuplicateAcrossFilesNamesBoth: an object defined in two files is refused, naming both
// files and lines, before any call.
func TestDuplicateAcrossFilesNamesBoth(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	dir := teamFiles(t)
	must(t, os.WriteFile(filepath.Join(dir, "team-x.yaml"), []byte("version: 1\nroles:\n  - name: sales_reader\n"), 0o644))
	r := c.run(t, teamEnv, "plan", "-f", dir)
	expect(t, r, 1, filepath.Join(dir, "00-base.yaml")+`:6: templates[0].roles[0].name: role "sales_reader" is listed twice (first at `+filepath.Join(dir, "team-x.yaml")+`:3) (from template "db_access", instance instances[0] at `+filepath.Join(dir, "00-base.yaml")+`:16, db=sales)`)
}
