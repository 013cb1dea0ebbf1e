package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/release"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// wildcardDatabaseFile grants Search on a named collection of database "*": every release
// before 2.6.12 stores it, 2.6.12 and later answer "database not found".
const wildcardDatabaseFile = `version: 1
roles:
  - name: reader
    grants:
      - privilege: Search
        database: "*"
        collection: orders
`

// TestReleaseRefusalsBeforeAnyChange: what the server's release cannot store is refused by
// plan and apply before any call that changes the cluster, with the file's line and the
// release; the same file plans and applies on a release that stores it. The release is
// inferred from the answers (no flag), and stated with --milvus-version for validate.
func TestReleaseRefusalsBeforeAnyChange(t *testing.T) {
	f := writeFile(t, "access.yaml", wildcardDatabaseFile)
	const refusal = `access.yaml:7: roles[0].grants[0].collection: Milvus 2.6.12 or later refuses this: a grant on database "*" cannot name collection "orders": the server looks the name up in a database called "*"`
	for _, v := range []string{"2.5.27", "2.6.4", "2.6.12", "2.6.19"} {
		t.Run(v, func(t *testing.T) {
			c := newCluster(t, emulator.Options{Version: release.MustParse(v)})
			refuses := release.For(release.MustParse(v)).Has(release.ResolveAliasInGrants)
			r := c.run(t, nil, "plan", "-f", f, "-v")
			if refuses {
				expect(t, r, 1, refusal)
				expect(t, c.run(t, nil, "apply", "-f", f, "--auto-approve"), 1, refusal)
				if c.Emu != nil && mutations(c.Emu) != 0 {
					t.Errorf("a refused file made %d mutations: %v", mutations(c.Emu), c.Emu.Calls())
				}
			} else {
				expect(t, r, 0, "+ grant Search on *.orders")
				expect(t, c.run(t, nil, "apply", "-f", f, "--auto-approve"), 0)
				expect(t, c.run(t, nil, "drift", "-f", f), 0, "No drift")
			}
			if !strings.Contains(r.Stderr, "server release ") {
				t.Errorf("plan -v does not say the release:\n%s", r)
			}
			// validate needs the release stated.
			r = c.run(t, nil, "validate", "-f", f, "--milvus-version", v)
			if refuses {
				expect(t, r, 1, refusal)
			} else {
				expect(t, r, 0, "is valid")
			}
		})
	}
}

// TestPlanRecordsTheRelease: the JSON plan says which release it was made for and how that
// was learnt; a stated release wins over the inferred one.
func TestPlanRecordsTheRelease(t *testing.T) {
	c := newCluster(t, emulator.Options{Version: release.V(2, 6, 19)})
	f := writeFile(t, "access.yaml", "version: 1\nroles:\n  - name: reader\n")
	for _, tc := range []struct {
		args         []string
		release, src string
	}{
		{nil, "2.6.19 to 2.6.x", "inferred: "},
		{[]string{"--milvus-version", "2.6.19"}, "2.6.19", "given (--milvus-version)"},
	} {
		r := c.run(t, nil, append([]string{"plan", "-f", f, "--format", "json"}, tc.args...)...)
		expect(t, r, 0)
		var doc struct {
			Live struct {
				Release       string `json:"release"`
				ReleaseSource string `json:"release_source"`
			} `json:"live"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil {
			t.Fatal(err)
		}
		if c.Emu != nil && (doc.Live.Release != tc.release || !strings.HasPrefix(doc.Live.ReleaseSource, tc.src)) {
			t.Errorf("live.release %q (%s), want %q (%s...)", doc.Live.Release, doc.Live.ReleaseSource, tc.release, tc.src)
		}
	}
	expect(t, c.run(t, nil, "plan", "-f", f, "--milvus-version", "2.4.2"), 1, "Milvus 2.4.2 is not supported")
	expect(t, c.run(t, nil, "plan", "-f", f, "--milvus-version", "latest"), 1, `--milvus-version: Milvus version "latest"`)
}

// TestNamesResolvedInGrants: from 2.6.12 the server resolves the names in grants. A grant in a
// database that does not exist, or on an alias, is refused by plan and apply before any change,
// naming the database or the collection the alias points at; the same file is applied as
// written on 2.6.4, which stores both. A revoke in a dropped database is blocked, with its role's
// drop, instead of failing half-way.
func TestNamesResolvedInGrants(t *testing.T) {
	f := writeFile(t, "access.yaml", `version: 1
roles:
  - name: reader
    grants:
      - privilege: Search
        database: sales
        collection: orders_v
      - privilege: Query
        database: archive
        collection: old
`)
	for _, v := range []string{"2.6.4", "2.6.12"} {
		t.Run(v, func(t *testing.T) {
			c := newCluster(t, emulator.Options{Version: release.MustParse(v), Databases: map[string]emulator.Database{
				"sales": {Collections: []string{"orders"}, Aliases: map[string]string{"orders_v": "orders"}},
			}})
			if c.Emu == nil {
				t.Skip("needs the emulator: it seeds databases and aliases")
			}
			if v == "2.6.4" {
				expect(t, c.run(t, nil, "apply", "-f", f, "--auto-approve"), 0)
				expect(t, c.run(t, nil, "drift", "-f", f), 0, "No drift")
				return
			}
			for _, cmd := range [][]string{{"plan", "-f", f}, {"apply", "-f", f, "--auto-approve"}} {
				expect(t, c.run(t, nil, cmd...), 1, "2 grant(s) the server cannot store as written",
					`grant Query on archive.old: database "archive" does not exist`,
					`"orders_v" is an alias of collection "orders" in database "sales"`, `name "orders" in the file`)
			}
			if n := mutations(c.Emu); n != 0 {
				t.Errorf("a refused plan made %d mutations: %v", n, c.Emu.Calls())
			}
			calls := c.Emu.Calls()
			if calls["databases/list"] != 2 || calls["aliases/list"] != 2 || calls["aliases/describe"] != 2 {
				t.Errorf("calls: %v, want one databases/list, aliases/list and aliases/describe per run", calls)
			}
		})
	}
	t.Run("revoke in a dropped database", func(t *testing.T) {
		c := newCluster(t, emulator.Options{Version: release.V(2, 6, 12), Databases: map[string]emulator.Database{"archive": {Collections: []string{"old"}}}})
		if c.Emu == nil {
			t.Skip("needs the emulator: it drops a database")
		}
		old := writeFile(t, "old.yaml", "version: 1\nmode: authoritative\nroles:\n  - name: legacy\n    grants:\n      - privilege: Query\n        database: archive\n        collection: old\n")
		expect(t, c.run(t, nil, "apply", "-f", old, "--auto-approve"), 0)
		must(t, c.Emu.DropDatabase("archive"))
		none := writeFile(t, "none.yaml", "version: 1\nmode: authoritative\n")
		expect(t, c.run(t, nil, "plan", "-f", none), 0, `[blocked: database "archive" no longer exists`, `[blocked: the role keeps a grant in database "archive"`)
		c.Emu.ResetCalls()
		r := c.run(t, nil, "apply", "-f", none, "--auto-approve")
		expect(t, r, 1, "2 blocked")
		if n := mutations(c.Emu); n != 0 {
			t.Errorf("blocked steps made %d mutations: %v", n, c.Emu.Calls())
		}
	})
}

// TestLeftoverGrantsBlockTheDrop: a role whose describe lists leftover grants (milvus#49989)
// cannot be dropped; the plan says so with the drop blocked, instead of revoking its grants and
// then failing on the drop.
func TestLeftoverGrantsBlockTheDrop(t *testing.T) {
	c := newCluster(t, emulator.Options{Version: release.V(2, 6, 12)})
	if c.Emu == nil {
		t.Skip("needs the emulator: it plants a leftover key")
	}
	ctx := context.Background()
	must(t, c.Client.CreateRole(ctx, "legacy"))
	must(t, c.Client.GrantPrivilege(ctx, "legacy", spec.NewGrant("Search", "default", "books")))
	must(t, c.Emu.PlantGrantKey("legacy", "Collection", "default.", "Query"))
	f := writeFile(t, "access.yaml", "version: 1\nmode: authoritative\n")
	r := c.run(t, nil, "plan", "-f", f)
	expect(t, r, 0, "- revoke Search on default.books", "drop role legacy [blocked: the role holds grants the server lists with an empty object name or privilege")
	if !strings.Contains(r.Stderr, `Warning: ignored 1 blank grant(s) in roles/describe answers for role "legacy"`) {
		t.Errorf("no warning about the blank grant:\n%s", r)
	}
	c.Emu.ResetCalls()
	expect(t, c.run(t, nil, "apply", "-f", f, "--auto-approve"), 1, "1 blocked")
	if calls := c.Emu.Calls(); calls["roles/drop"] != 0 {
		t.Errorf("the blocked drop was sent: %v", calls)
	}
}
