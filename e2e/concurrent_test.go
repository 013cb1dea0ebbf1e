package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// TestConcurrentAppliesOfOneFile runs two applies of the same file at once, with latency so
// that their calls interleave: both must end with exit 0 and the cluster matching the file;
// where one run's create or drop finds the other's done, it says so instead of failing.
func TestConcurrentAppliesOfOneFile(t *testing.T) {
	if live() {
		t.Skip("needs the emulator's latency to interleave the runs")
	}
	file := writeFile(t, "access.yaml", `version: 1
mode: authoritative
privilege_groups:
  - name: readers
    privileges: [Query, Search]
roles:
  - name: reader
    grants:
      - privilege: readers
        database: "*"
  - name: writer
    grants:
      - privilege: CollectionReadWrite
        database: sales
users:
  - name: alice
    password: {env: QUICKSTART_ALICE_PASSWORD}
    roles: [reader, writer]
  - name: bob
    password: {env: QUICKSTART_BOB_PASSWORD}
    roles: [reader]
`)
	resolved := 0
	for round := 0; round < 3; round++ {
		t.Run(fmt.Sprintf("round %d", round), func(t *testing.T) {
			c := newCluster(t, emulator.Options{Latency: time.Duration(2+round) * time.Millisecond})
			ctx := context.Background()
			for i := 0; i < 3; i++ {
				r := fmt.Sprintf("stale_%d", i)
				must(t, c.Client.CreateRole(ctx, r))
				must(t, c.Client.GrantPrivilege(ctx, r, spec.NewGrant("Insert", "db", "*")))
				u := fmt.Sprintf("leaver_%d", i)
				must(t, c.Client.CreateUser(ctx, u, "Leaver-Pw-1"))
				must(t, c.Client.GrantRole(ctx, u, r))
			}
			var wg sync.WaitGroup
			results := make([]result, 2)
			for i := range results {
				wg.Go(func() { results[i] = c.run(t, quickstartEnv, "apply", "-f", file, "--auto-approve") })
			}
			wg.Wait()
			for i, r := range results {
				if r.Code != 0 {
					t.Errorf("apply %d exited %d:\n%s", i, r.Code, r)
				}
			}
			for _, r := range results {
				resolved += strings.Count(r.Stderr, "meanwhile, e.g. by another run")
			}
			expect(t, c.run(t, nil, "drift", "-f", file), 0, "No drift.")
		})
	}
	t.Logf("steps one run found done by the other: %d", resolved)
	if resolved == 0 {
		t.Error("the two runs never met: the test did not exercise concurrent applies")
	}
}
