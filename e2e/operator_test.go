package e2e

import (
	"strings"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/release"
)

const operatorRoles = "../examples/operator-roles.yaml"

// operatorEnv holds the passwords examples/operator-roles.yaml reads.
var operatorEnv = []string{"RBAC_READER_PASSWORD=Reader-e2e-Secret-4", "RBAC_APPLIER_PASSWORD=Applier-e2e-Secret-5"}

// as is c seen by another user: the same cluster and emulator, another token.
func (c *cluster) as(user, password string) *cluster {
	return &cluster{URI: c.URI, Token: user + ":" + password, Emu: c.Emu, Client: c.Client}
}

// operatorSpec is a file with changes for every kind of step apply can take: a privilege
// group, a role with grants, a user with a role. Its grants are on database "*", so that no
// release needs to list databases to plan it.
const operatorSpec = `version: 1
privilege_groups:
  - name: search_only
    privileges: [Query, Search]
roles:
  - name: reader
    grants:
      - privilege: search_only
        database: "*"
      - privilege: DatabaseReadOnly
        database: "*"
users:
  - name: alice
    password: {env: QUICKSTART_ALICE_PASSWORD}
    roles: [reader]
`

// TestReaderRoleReadsButCannotApply sets up the operator roles of examples/operator-roles.yaml
// as root, then connects as a user holding only rbac_reader: plan, drift, export and access
// work; apply is refused before its first call, naming what is missing, and changes nothing.
// The applier then applies the same file, and the reader sees no drift. It runs on a release
// of each line that has built-in groups.
func TestReaderRoleReadsButCannotApply(t *testing.T) {
	for _, v := range []string{"2.4.18", "2.5.27", "2.6.12", "2.6.19"} {
		t.Run(v, func(t *testing.T) { readerRoleReadsButCannotApply(t, release.MustParse(v)) })
	}
}

func readerRoleReadsButCannotApply(t *testing.T, version release.Version) {
	c := newCluster(t, emulator.Options{Version: version})
	expect(t, c.run(t, operatorEnv, "apply", "-f", operatorRoles, "--auto-approve"), 0, "The cluster matches")
	reader := c.as("rbac_reader", "Reader-e2e-Secret-4")
	applier := c.as("rbac_applier", "Applier-e2e-Secret-5")
	f := writeFile(t, "access.yaml", operatorSpec)

	expect(t, reader.run(t, quickstartEnv, "plan", "-f", f, "--detailed-exitcode"), 2, "+ create role reader")
	expect(t, reader.run(t, quickstartEnv, "drift", "-f", f), 2, "missing")
	expect(t, reader.run(t, nil, "export"), 0, "name: rbac_applier", "ManageOwnership")
	expect(t, reader.run(t, nil, "access", "--user", "rbac_reader"), 0, "SelectUser")

	if c.Emu != nil {
		c.Emu.ResetCalls()
	}
	r := reader.run(t, quickstartEnv, "apply", "-f", f, "--auto-approve")
	expect(t, r, 1, "refused, nothing was changed", "user rbac_reader",
		"CreateOwnership (database default), needed by create role reader; create user alice",
		"ManageOwnership (database *), needed by grant", "CreatePrivilegeGroup", "OperatePrivilegeGroup",
		`grant CreateOwnership on database "*"`, "rbac_applier")
	if strings.Contains(r.Stdout+r.Stderr, "FAILED") {
		t.Errorf("apply ran steps before refusing:\n%s", r)
	}
	if c.Emu != nil && mutations(c.Emu) != 0 {
		t.Errorf("a refused apply changed the cluster: %v", c.Emu.Calls())
	}

	expect(t, applier.run(t, quickstartEnv, "apply", "-f", f, "--auto-approve"), 0, "Apply: 7 done, 0 failed", "The cluster matches")
	expect(t, reader.run(t, quickstartEnv, "drift", "-f", f), 0)
	expect(t, reader.run(t, quickstartEnv, "plan", "-f", f, "--detailed-exitcode"), 0)
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

// TestReaderBeforeBuiltinGroups is the reader of releases without built-in privilege groups
// (2.4.3 to 2.4.17), as examples/operator-roles.yaml describes it: the single privileges
// SelectOwnership and SelectUser on user "*", and ListPrivilegeGroups from 2.4.16. Plan and
// drift work; apply is refused before any call.
func TestReaderBeforeBuiltinGroups(t *testing.T) {
	for _, v := range []string{"2.4.15", "2.4.17"} {
		t.Run(v, func(t *testing.T) {
			version := release.MustParse(v)
			c := newCluster(t, emulator.Options{Version: version})
			groups := ""
			if release.For(version).Has(release.PrivilegeGroups) {
				groups = "\n      - privilege: ListPrivilegeGroups"
			}
			f := writeFile(t, "reader.yaml", `version: 1
roles:
  - name: rbac_reader
    grants:
      - privilege: SelectOwnership
      - privilege: SelectUser
        user: "*"`+groups+`
users:
  - name: rbac_reader
    password: {env: RBAC_READER_PASSWORD}
    roles: [rbac_reader]
`)
			expect(t, c.run(t, operatorEnv, "apply", "-f", f, "--auto-approve"), 0, "The cluster matches")
			reader := c.as("rbac_reader", "Reader-e2e-Secret-4")
			spec := writeFile(t, "access.yaml", "version: 1\nroles:\n  - name: app\n    grants:\n      - privilege: Search\n        collection: books\n")
			expect(t, reader.run(t, nil, "plan", "-f", spec, "--detailed-exitcode"), 2, "+ create role app")
			expect(t, reader.run(t, nil, "drift", "-f", spec), 2, "missing")
			if c.Emu != nil {
				c.Emu.ResetCalls()
			}
			expect(t, reader.run(t, nil, "apply", "-f", spec, "--auto-approve"), 1,
				"refused, nothing was changed", "CreateOwnership (database default)", "ManageOwnership")
			if c.Emu != nil && mutations(c.Emu) != 0 {
				t.Errorf("a refused apply changed the cluster: %v", c.Emu.Calls())
			}
		})
	}
}
