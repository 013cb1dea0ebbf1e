package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/release"
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
	const refusal = `access.yaml:7: roles[0].grants[0].collection: Milvus 2.6.12 or later refuses this: a grant on database "*" cannot name collection "orders" there`
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
