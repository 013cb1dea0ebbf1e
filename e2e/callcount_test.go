package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/release"
)

// The number of calls of a read and of an apply is exact and machine-independent: the timed
// side of issue 5 is `make bench`, this is its regular test.

// Size of the call-count fixture: enough users and roles to need more than one round of
// describes at the default concurrency (16).
const (
	ccUsers        = 24
	ccRoles        = 6
	ccGrants       = 3 // per role, besides the grant of the privilege group
	ccRolesPerUser = 2
)

var ccPrivileges = []string{"Query", "Search", "Insert"}

// callCountSpec is a spec file of ccUsers users with ccRolesPerUser roles each, ccRoles roles
// with ccGrants grants each, and one privilege group granted to every role.
func callCountSpec() string {
	var b strings.Builder
	b.WriteString("version: 1\nmode: adopt\n\nprivilege_groups:\n  - name: cc_group\n    privileges: [Query, Search]\n\nroles:\n")
	for j := range ccRoles {
		fmt.Fprintf(&b, "  - name: cc_role_%d\n    grants:\n      - {privilege: cc_group, collection: cc_shared}\n", j)
		for k := range ccGrants {
			fmt.Fprintf(&b, "      - {privilege: %s, collection: cc_coll_%d}\n", ccPrivileges[k%len(ccPrivileges)], j)
		}
	}
	b.WriteString("\nusers:\n")
	for i := range ccUsers {
		fmt.Fprintf(&b, "  - name: cc_user_%02d\n    password: {env: CC_PASSWORD}\n    roles: [", i)
		for k := range ccRolesPerUser {
			if k > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "cc_role_%d", (i+k)%ccRoles)
		}
		b.WriteString("]\n")
	}
	return b.String()
}

// readCalls are the calls of one read of a cluster holding users and roles, built-ins included:
// users/list, roles/list and privilege_groups/list, then one describe per user and per role.
func readCalls(users, roles int) map[string]int {
	return map[string]int{
		"users/list": 1, "users/describe": users,
		"roles/list": 1, "roles/describe": roles,
		"privilege_groups/list": 1,
	}
}

func addCalls(ms ...map[string]int) map[string]int {
	out := map[string]int{}
	for _, m := range ms {
		for k, v := range m {
			out[k] += v
		}
	}
	return out
}

func TestCallCounts(t *testing.T) {
	if live() {
		t.Skip("counts calls on the emulator")
	}
	c := newCluster(t, emulator.Options{MaxUsers: ccUsers + 1, MaxRoles: ccRoles + 2})
	file := writeFile(t, "access.yaml", callCountSpec())
	env := []string{"CC_PASSWORD=CallCount-Pw-1"}
	// What a cluster holds before and after: root; admin and public.
	before := readCalls(1, 2)
	after := readCalls(1+ccUsers, 2+ccRoles)
	steps := map[string]int{
		"privilege_groups/create":                  1,
		"privilege_groups/add_privileges_to_group": 1,
		"roles/create":                             ccRoles,
		"roles/grant_privilege_v2":                 ccRoles * (1 + ccGrants),
		"users/create":                             ccUsers,
		"users/grant_role":                         ccUsers * ccRolesPerUser,
	}
	if release.For(c.Emu.Version()).Has(release.ResolveAliasInGrants) {
		// From 2.6.12 a plan that grants in named databases checks them first
		// (command.resolveNames): one databases/list and one aliases/list per database, here
		// "default".
		steps["databases/list"] = 1
		steps["aliases/list"] = 1
	}

	check := func(what string, want map[string]int) {
		t.Helper()
		if diff := cmp.Diff(want, c.Emu.Calls()); diff != "" {
			t.Errorf("%s: calls by endpoint (-want +got):\n%s", what, diff)
		}
	}

	c.Emu.ResetCalls()
	expect(t, c.run(t, env, "apply", "-f", file, "--auto-approve"), 0, "The cluster matches")
	// apply = its read, every step once, and the read of its re-plan check.
	check("apply from an empty cluster", addCalls(before, steps, after))

	for _, args := range [][]string{
		{"plan", "-f", file, "--detailed-exitcode"},
		{"plan", "-f", file, "--detailed-exitcode", "--concurrency", "1"},
		{"drift", "-f", file},
		{"apply", "-f", file, "--auto-approve"}, // no step: no re-plan check either
	} {
		c.Emu.ResetCalls()
		expect(t, c.run(t, nil, args...), 0)
		// A read is U + R + 3 calls, whatever the concurrency.
		check(strings.Join(args, " ")+" on a matching cluster", after)
		if got, want := c.Emu.TotalCalls(), (1+ccUsers)+(2+ccRoles)+3; got != want {
			t.Errorf("%s: %d calls, want U + R + 3 = %d", strings.Join(args, " "), got, want)
		}
		conc := 16 // the default
		if args[len(args)-1] == "1" {
			conc = 1
		}
		if peak := c.Emu.PeakInFlight(); peak > conc {
			t.Errorf("%s: %d requests in flight at once, more than %d", strings.Join(args, " "), peak, conc)
		}
	}
}
