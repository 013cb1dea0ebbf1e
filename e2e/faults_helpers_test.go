package e2e

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/plan"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// faultPW is the password of every user the fault scenario creates.
const faultPW = "Fault-Test-Pw-1"

var faultEnv = []string{"FAULT_PW=" + faultPW}

// faultSpec is the file of the fault scenario: authoritative, so that the plan against
// seedFaultCluster has every kind of step: groups created, filled, changed and dropped; roles
// created, granted, revoked and dropped; users created, given roles, denied roles and dropped
// (42 steps). No grant involves Load or Flush, so each step is exactly one mutation call.
const faultSpec = `version: 1
mode: authoritative
privilege_groups:
  - name: keep_group
    privileges: [Query, Insert]
  - name: new_group
    privileges: [Query, Search]
roles:
  - name: keep_r1
    grants:
      - {privilege: Search, database: db1}
      - {privilege: Insert, database: db1}
  - name: keep_r2
    grants:
      - {privilege: Insert, database: db2}
  - name: new_r1
    grants:
      - {privilege: new_group, database: db1}
      - {privilege: Search, database: db3}
      - {privilege: keep_group, database: db3, collection: c1}
  - name: new_r2
    grants:
      - {privilege: Query, database: db4}
      - {privilege: DatabaseReadOnly, database: db4}
      - {privilege: Delete, database: db4, collection: c2}
  - name: new_r3
    grants:
      - {privilege: ClusterReadOnly}
      - {privilege: Upsert, database: db5}
      - {privilege: Search, database: db5}
  - name: new_r4
    grants:
      - {privilege: CollectionReadOnly, database: db6}
      - {privilege: ShowCollections, database: db6}
      - {privilege: Insert, database: db6, collection: c3}
users:
  - {name: u_keep1, password: {env: FAULT_PW}, roles: [keep_r1]}
  - {name: u_keep2, password: {env: FAULT_PW}, roles: [keep_r2, new_r2]}
  - {name: u_new1, password: {env: FAULT_PW}, roles: [new_r1]}
  - {name: u_new2, password: {env: FAULT_PW}, roles: [new_r2]}
  - {name: u_new3, password: {env: FAULT_PW}, roles: [new_r3]}
  - {name: u_new4, password: {env: FAULT_PW}, roles: [new_r4]}
  - {name: u_new5, password: {env: FAULT_PW}, roles: [new_r1]}
`

// faultOptions are the emulator's options for the scenario: it needs more than the default 8
// custom roles.
var faultOptions = emulator.Options{MaxRoles: 20}

// seedFaultCluster puts the live side of the scenario on c, without faults.
func seedFaultCluster(t *testing.T, c *cluster) {
	t.Helper()
	ctx := context.Background()
	g := spec.NewGrant
	for _, step := range []error{
		c.Client.CreatePrivilegeGroup(ctx, "keep_group"),
		c.Client.AddPrivilegesToGroup(ctx, "keep_group", []string{"Query", "Search"}),
		c.Client.CreatePrivilegeGroup(ctx, "old_group"),
		c.Client.AddPrivilegesToGroup(ctx, "old_group", []string{"Query"}),
		c.Client.CreateRole(ctx, "keep_r1"),
		c.Client.GrantPrivilege(ctx, "keep_r1", g("Search", "db1", "*")),
		c.Client.GrantPrivilege(ctx, "keep_r1", g("Query", "db1", "c1")),
		c.Client.CreateRole(ctx, "keep_r2"),
		c.Client.GrantPrivilege(ctx, "keep_r2", g("Insert", "db2", "*")),
		c.Client.GrantPrivilege(ctx, "keep_r2", g("Delete", "db2", "*")),
		c.Client.CreateRole(ctx, "old_r1"),
		c.Client.GrantPrivilege(ctx, "old_r1", g("old_group", "db9", "*")),
		c.Client.GrantPrivilege(ctx, "old_r1", g("Search", "db9", "*")),
		c.Client.CreateRole(ctx, "old_r2"),
		c.Client.CreateUser(ctx, "u_keep1", faultPW),
		c.Client.GrantRole(ctx, "u_keep1", "keep_r1"),
		c.Client.GrantRole(ctx, "u_keep1", "old_r1"),
		c.Client.CreateUser(ctx, "u_keep2", faultPW),
		c.Client.GrantRole(ctx, "u_keep2", "keep_r2"),
		c.Client.CreateUser(ctx, "u_old1", faultPW),
		c.Client.GrantRole(ctx, "u_old1", "old_r2"),
		c.Client.CreateUser(ctx, "u_old2", faultPW),
	} {
		if step != nil {
			t.Fatal(step)
		}
	}
}

// planAgainst reads c (without faults on the emulator, which the caller ensures) and plans
// file against it, as the binary does when connected as root.
func planAgainst(t *testing.T, c *cluster, file string) (*spec.Spec, *spec.State, *plan.Plan) {
	t.Helper()
	sp, err := spec.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	live, err := c.Client.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Diff(sp, live.State, plan.Options{ConnectedUser: c.Client.User(), NoPrivilegeGroups: !live.Features.PrivilegeGroups})
	if err != nil {
		t.Fatal(err)
	}
	return sp, live.State, p
}

// planReadingFaults is planAgainst with the emulator's faults paused for the read.
func planReadingFaults(t *testing.T, c *cluster, file string, restore emulator.Faults) (*spec.Spec, *spec.State, *plan.Plan) {
	t.Helper()
	c.Emu.SetFaults(emulator.Faults{})
	defer c.Emu.SetFaults(restore)
	return planAgainst(t, c, file)
}

func descriptions(p *plan.Plan) []string {
	var out []string
	for _, s := range p.Steps {
		out = append(out, s.Description())
	}
	return out
}

// progressLine is one line of apply's progress on stderr: "[3/42] <step>[: FAILED: ...| :
// skipped: ...]".
var progressLine = regexp.MustCompile(`^\[\d+/\d+\] (.*)$`)

// outcomes reads apply's progress from stderr: the outcome of each step, by description.
// Every step must appear exactly once.
func outcomes(t *testing.T, stderr string, steps []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, line := range strings.Split(stderr, "\n") {
		m := progressLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		rest, matched := m[1], false
		for _, d := range steps {
			outcome := ""
			switch {
			case rest == d:
				outcome = "done"
			case strings.HasPrefix(rest, d+": FAILED: "):
				outcome = "failed"
			case strings.HasPrefix(rest, d+": skipped: "):
				outcome = "skipped"
			default:
				continue
			}
			if _, dup := out[d]; dup {
				t.Errorf("step %q reported twice", d)
			}
			out[d], matched = outcome, true
			break
		}
		if !matched {
			t.Errorf("progress line %q names no step of the plan", line)
		}
	}
	if len(out) != len(steps) {
		t.Errorf("progress reports %d of %d steps", len(out), len(steps))
	}
	return out
}

// kept lists what the file keeps of before, as "kind name..." strings: users it lists that
// exist, their roles the file keeps, roles' grants the file keeps, groups' members it keeps.
// A run that has not finished must never take any of them away.
func kept(sp *spec.Spec, before *spec.State) []string {
	var out []string
	for _, name := range before.UserNames() {
		want, ok := sp.State.Users[name]
		if !ok {
			continue
		}
		out = append(out, "user "+name)
		for _, r := range before.Users[name].Roles {
			if slices.Contains(want.Roles, r) {
				out = append(out, fmt.Sprintf("user %s role %s", name, r))
			}
		}
	}
	for _, name := range before.RoleNames() {
		want, ok := sp.State.Roles[name]
		if !ok {
			continue
		}
		out = append(out, "role "+name)
		for _, g := range before.Roles[name].Grants {
			for _, w := range want.Grants {
				if w.Privilege == g.Privilege && w.Database == g.Database && w.Object == g.Object {
					out = append(out, fmt.Sprintf("role %s grant %s on %s.%s", name, g.Privilege, g.Database, g.Object))
				}
			}
		}
	}
	for _, name := range before.GroupNames() {
		want, ok := sp.State.Groups[name]
		if !ok {
			continue
		}
		out = append(out, "group "+name)
		for _, p := range before.Groups[name].Privileges {
			if slices.Contains(want.Privileges, p) {
				out = append(out, fmt.Sprintf("group %s privilege %s", name, p))
			}
		}
	}
	return out
}

// missing returns the items of kept(sp, before) that after lacks.
func missing(sp *spec.Spec, before, after *spec.State) []string {
	have := map[string]bool{}
	for _, k := range kept(&spec.Spec{State: after}, after) {
		have[k] = true
	}
	var out []string
	for _, k := range kept(sp, before) {
		if !have[k] {
			out = append(out, k)
		}
	}
	return out
}

// mutationCalls sums the calls to endpoints that change something.
func mutationCalls(calls map[string]int) int {
	n := 0
	for e, v := range calls {
		if !strings.HasSuffix(e, "/list") && !strings.HasSuffix(e, "/describe") {
			n += v
		}
	}
	return n
}

func sortedKeys(m map[string]int) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
