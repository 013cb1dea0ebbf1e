package e2e

import (
	"strings"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
)

const operatorRoles = "../examples/operator-roles.yaml"

// operatorEnv holds the passwords examples/operator-roles.yaml reads.
var operatorEnv = []string{"RBAC_READER_PASSWORD=Reader-e2e-Secret-4", "RBAC_APPLIER_PASSWORD=Applier-e2e-Secret-5"}

// as is c seen by another user: the same cluster and emulator, another token.
func (c *cluster) as(user, password string) *cluster {
	return &cluster{URI: c.URI, Token: user + ":" + password, Emu: c.Emu, Client: c.Client}
}

// TestReaderRoleReadsButCannotApply sets up the operator roles of examples/operator-roles.yaml
// as root, then connects as a user holding only rbac_reader: plan, drift, export and access
// work; apply is refused before its first call, naming what is missing, and changes nothing.
// The applier then applies the same file, and the reader sees no drift.
func TestReaderRoleReadsButCannotApply(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	expect(t, c.run(t, operatorEnv, "apply", "-f", operatorRoles, "--auto-approve"), 0, "The cluster matches")
	reader := c.as("rbac_reader", "Reader-e2e-Secret-4")
	applier := c.as("rbac_applier", "Applier-e2e-Secret-5")

	expect(t, reader.run(t, quickstartEnv, "plan", "-f", quickstart, "--detailed-exitcode"), 2, "+ create role writer")
	expect(t, reader.run(t, quickstartEnv, "drift", "-f", quickstart), 2, "missing")
	expect(t, reader.run(t, nil, "export"), 0, "name: rbac_applier", "ManageOwnership")
	expect(t, reader.run(t, nil, "access", "rbac_reader"), 0, "SelectUser")

	if c.Emu != nil {
		c.Emu.ResetCalls()
	}
	r := reader.run(t, quickstartEnv, "apply", "-f", quickstart, "--auto-approve")
	expect(t, r, 1, "refused, nothing was changed", "user rbac_reader",
		"CreateOwnership (database default), needed by create role reader",
		"ManageOwnership", "CreatePrivilegeGroup", "OperatePrivilegeGroup", `grant CreateOwnership on database "*"`, "rbac_applier")
	if strings.Contains(r.Stdout+r.Stderr, "FAILED") {
		t.Errorf("apply ran steps before refusing:\n%s", r)
	}
	if c.Emu != nil && mutations(c.Emu) != 0 {
		t.Errorf("a refused apply changed the cluster: %v", c.Emu.Calls())
	}

	expect(t, applier.run(t, quickstartEnv, "apply", "-f", quickstart, "--auto-approve"), 0, "Apply: 15 done, 0 failed", "The cluster matches")
	expect(t, reader.run(t, quickstartEnv, "drift", "-f", quickstart), 0)
	expect(t, reader.run(t, quickstartEnv, "plan", "-f", quickstart, "--detailed-exitcode"), 0)
}

// TestReaderGrantedInOneDatabaseIsToldWhy shows the other half of the grant-on-"*" rule: a
// reader whose ClusterReadOnly-like rights hold only in database default cannot read grants
// in every database, and the error says the grant must be on database "*".
func TestReaderGrantedInOneDatabaseIsToldWhy(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	f := writeFile(t, "narrow.yaml", `version: 1
roles:
  - name: narrow_reader
    grants:
      - privilege: SelectOwnership
        database: default
      - privilege: SelectUser
        user: "*"
        database: default
      - privilege: ListPrivilegeGroups
        database: default
users:
  - name: narrow
    password: {env: NARROW_PASSWORD}
    roles: [narrow_reader]
`)
	expect(t, c.run(t, []string{"NARROW_PASSWORD=Narrow-e2e-Secret-6"}, "apply", "-f", f, "--auto-approve"), 0)
	r := c.as("narrow", "Narrow-e2e-Secret-6").run(t, quickstartEnv, "plan", "-f", quickstart)
	expect(t, r, 1, "SelectOwnership", `the grant must be on database "*"`)
}
