package plan_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/milvus-rbac/milvus-rbac/apply"
	"github.com/milvus-rbac/milvus-rbac/milvus"
	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/milvus/milvustest"
	"github.com/milvus-rbac/milvus-rbac/plan"
	"github.com/milvus-rbac/milvus-rbac/release"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// TestDescriptionsAcrossReleases plans testdata/descriptions against a 2.5.27 and a 2.6.19
// emulator: 2.6.19 keeps user and role descriptions, so creates carry them and a description
// that differs is set (a file without one leaves the live one alone); 2.5.27 keeps none, so
// descriptions are documentation only and the plan never mentions them. Each plan must equal
// its golden file, converge in one apply, and re-plan empty.
func TestDescriptionsAcrossReleases(t *testing.T) {
	t.Setenv("GOLDEN_PW", goldenPassword)
	dir := "testdata/descriptions"
	desired, err := spec.Load(filepath.Join(dir, "desired.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	live, err := spec.Load(filepath.Join(dir, "live.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []release.Version{release.V(2, 5, 27), release.V(2, 6, 19)} {
		t.Run(v.String(), func(t *testing.T) {
			ctx := context.Background()
			srv := httptest.NewServer(emulator.New(emulator.Options{Version: v}))
			defer srv.Close()
			c, err := milvus.New(milvus.Config{URI: srv.URL, Token: "root:Milvus"})
			if err != nil {
				t.Fatal(err)
			}
			keeps := release.For(v).Has(release.Descriptions)
			milvustest.Seed(t, c, live.State, keeps)
			planOf := func() *plan.Plan {
				l, err := c.Read(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if got := l.Server.Has(release.Descriptions) == release.Yes; got != keeps {
					t.Fatalf("the read says descriptions kept = %v, want %v (release %s)", got, keeps, l.Server)
				}
				p, err := plan.Diff(desired, l.State, plan.Options{ConnectedUser: c.User(), Descriptions: keeps})
				if err != nil {
					t.Fatal(err)
				}
				return p
			}
			p := planOf()
			var got bytes.Buffer
			if err := p.WriteText(&got, plan.TextOptions{SpecName: "desired.yaml"}); err != nil {
				t.Fatal(err)
			}
			goldenFile := filepath.Join(dir, "plan-"+v.String()+".golden")
			if updating() {
				if err := os.WriteFile(goldenFile, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(goldenFile)
			if err != nil {
				t.Fatalf("%v (run go test ./plan -run TestDescriptionsAcrossReleases -update)", err)
			}
			if d := cmp.Diff(string(want), got.String()); d != "" {
				t.Errorf("plan differs from %s (-want +got):\n%s", goldenFile, d)
			}
			report := apply.Run(ctx, c, p, apply.Options{Passwords: map[string]string{"carol": goldenPassword}})
			if err := report.Err(); err != nil {
				t.Fatalf("apply: %v", err)
			}
			if again := planOf(); !again.Empty() {
				var b bytes.Buffer
				again.WriteText(&b, plan.TextOptions{})
				t.Fatalf("re-plan after apply is not empty (a perpetual diff):\n%s", b.String())
			}
			after, err := c.Read(ctx)
			if err != nil {
				t.Fatal(err)
			}
			wantDesc := map[string]string{"role reader": "", "role writer": "", "role auditor": "", "user alice": "", "user bob": "", "user carol": ""}
			if keeps {
				wantDesc = map[string]string{
					"role reader": "reads the sales collections", "role writer": "kept as it is", "role auditor": "reads everything, changes nothing",
					"user alice": "analyst", "user bob": "the nightly loader", "user carol": "auditor from finance",
				}
			}
			gotDesc := map[string]string{}
			for k := range wantDesc {
				var kind, name string
				for i := range k {
					if k[i] == ' ' {
						kind, name = k[:i], k[i+1:]
						break
					}
				}
				if kind == "role" {
					gotDesc[k] = after.State.Roles[name].Description
				} else {
					gotDesc[k] = after.State.Users[name].Description
				}
			}
			if d := cmp.Diff(wantDesc, gotDesc); d != "" {
				t.Errorf("descriptions on the cluster (-want +got):\n%s", d)
			}
		})
	}
}
