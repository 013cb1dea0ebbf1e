package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// TestDriftAsTheConnectingUser runs drift with the token of a user the file strips of a role:
// a scheduled drift job must see the difference whoever's token it holds (exit 2, with the
// reason and what to do), as root does; plan still refuses to make the change.
func TestDriftAsTheConnectingUser(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	ctx := context.Background()
	must(t, c.Client.CreateRole(ctx, "platform_admin"))
	must(t, c.Client.GrantPrivilege(ctx, "platform_admin", spec.NewGrant("ClusterAdmin", "*", "*")))
	must(t, c.Client.CreateRole(ctx, "reader"))
	must(t, c.Client.GrantPrivilege(ctx, "reader", spec.NewGrant("Search", "default", "*")))
	must(t, c.Client.CreateUser(ctx, "oncall", "Oncall-Pw-1"))
	must(t, c.Client.GrantRole(ctx, "oncall", "platform_admin"))
	must(t, c.Client.GrantRole(ctx, "oncall", "reader"))
	f := writeFile(t, "access.yaml", `version: 1
roles:
  - name: reader
    grants:
      - privilege: Search
  - name: platform_admin
    grants:
      - privilege: ClusterAdmin
        database: "*"
users:
  - name: oncall
    roles: [reader]
`)
	oncall := []string{"MILVUS_TOKEN=oncall:Oncall-Pw-1"}

	asRoot := c.run(t, nil, "drift", "-f", f)
	expect(t, asRoot, 2, "extra   role platform_admin of user oncall")

	r := c.run(t, oncall, "drift", "-f", f)
	expect(t, r, 2, "extra   role platform_admin of user oncall",
		"not fixed while milvus-rbac connects as user oncall", "run drift and apply as another user, or change the file",
		"Drift: 0 missing, 1 extra.")
	if strings.Contains(r.Stdout, "No drift") {
		t.Errorf("drift as oncall says there is none:\n%s", r)
	}
	r = c.run(t, oncall, "drift", "-f", f, "--format", "json")
	expect(t, r, 2, `"drift": "extra"`, `"not_fixed": "not fixed while milvus-rbac connects as user oncall`, `"changes": true`)

	// plan as oncall still refuses to strip it, and has nothing else to do.
	r = c.run(t, oncall, "plan", "-f", f, "--detailed-exitcode")
	expect(t, r, 0, "No changes.", "! user oncall keeps role platform_admin: it is the user milvus-rbac connects as")
}
