// Package milvustest holds what the tests of several packages do to a cluster before they
// test anything: create a state on it with plain REST calls, and size the emulator for a
// golden case. It is imported by tests only.
package milvustest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/milvus"
	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// SeedPassword is the password of every user Seed creates.
const SeedPassword = "Seeded-Pw-1"

// Seed creates s on the cluster of c with plain REST calls, independent of Diff and apply:
// the privilege groups, the roles with their grants, the users (password SeedPassword) with
// their roles. With described, the descriptions of s go along (a release that keeps them).
func Seed(t testing.TB, c *milvus.Client, s *spec.State, described bool) {
	t.Helper()
	ctx := context.Background()
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed: %v", err)
		}
	}
	for _, name := range s.GroupNames() {
		check(c.CreatePrivilegeGroup(ctx, name))
		check(c.AddPrivilegesToGroup(ctx, name, s.Groups[name].Privileges))
	}
	for _, name := range s.RoleNames() {
		if d := s.Roles[name].Description; described && d != "" {
			check(c.CreateRoleDescribed(ctx, name, d))
		} else {
			check(c.CreateRole(ctx, name))
		}
		for _, g := range s.Roles[name].Grants {
			check(c.GrantPrivilege(ctx, name, g))
		}
	}
	for _, name := range s.UserNames() {
		if d := s.Users[name].Description; described && d != "" {
			check(c.CreateUserDescribed(ctx, name, SeedPassword, d))
		} else {
			check(c.CreateUser(ctx, name, SeedPassword))
		}
		for _, r := range s.Users[name].Roles {
			check(c.GrantRole(ctx, name, r))
		}
	}
}

// Limits returns opts with the user and role quotas of dir/limits.json, when the golden case
// in dir has one: large cases raise proxy.maxUserNum and maxRoleNum, as large clusters do.
func Limits(t testing.TB, dir string, opts emulator.Options) emulator.Options {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "limits.json"))
	if os.IsNotExist(err) {
		return opts
	}
	var l struct{ MaxUsers, MaxRoles int }
	if err == nil {
		err = json.Unmarshal(data, &l)
	}
	if err != nil {
		t.Fatalf("%s: %v", filepath.Join(dir, "limits.json"), err)
	}
	opts.MaxUsers, opts.MaxRoles = l.MaxUsers, l.MaxRoles
	return opts
}
