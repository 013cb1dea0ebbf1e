package fleet

import (
	"strings"
	"testing"

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
