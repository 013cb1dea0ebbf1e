package emulator

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/milvus-rbac/milvus-rbac/release"
)

var v2Routes = []string{"roles/grant_privilege_v2", "roles/revoke_privilege_v2"}

var groupRoutes = []string{
	"privilege_groups/create", "privilege_groups/drop", "privilege_groups/list",
	"privilege_groups/add_privileges_to_group", "privilege_groups/remove_privileges_from_group",
}

func TestRoutes(t *testing.T) {
	type probe struct {
		endpoint string
		found    bool
	}
	probes := func(found bool, eps ...string) []probe {
		var out []probe
		for _, e := range eps {
			out = append(out, probe{e, found})
		}
		return out
	}
	cases := []struct {
		name   string
		opts   Options
		probes []probe
	}{
		{"2.5.27", Options{}, append(append(probes(true, v2Routes...), probes(true, groupRoutes...)...),
			probe{"users/list", true}, probe{"roles/alter", false}, probe{"users/nope", false}, probe{"", false})},
		{"2.4.15", Options{Version: release.V(2, 4, 15)}, append(append(probes(false, v2Routes...), probes(false, groupRoutes...)...),
			probe{"roles/grant_privilege", true})},
		{"2.4.17", Options{Version: release.V(2, 4, 17)}, append(probes(false, v2Routes...), probes(true, groupRoutes...)...)},
		{"2.4.18", Options{Version: release.V(2, 4, 18)}, append(probes(true, v2Routes...), probes(true, groupRoutes...)...)},
		{"2.6.18", Options{Version: release.V(2, 6, 18)}, []probe{{"roles/alter", false}}},
		{"2.6.19", Options{Version: release.V(2, 6, 19)}, []probe{{"roles/alter", true}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := start(t, tc.opts)
			for _, p := range tc.probes {
				st, body := h.do(rootToken, p.endpoint, `{}`)
				if p.found && st == 404 {
					t.Errorf("%s: 404", p.endpoint)
				}
				if !p.found && (st != 404 || body != "404 page not found") {
					t.Errorf("%s: %d %s, want gin's 404", p.endpoint, st, body)
				}
			}
		})
	}
}

func TestNotFoundIsGins(t *testing.T) {
	h := start(t, Options{})
	for _, c := range []struct{ method, path string }{
		{http.MethodGet, "/v2/vectordb/users/list"},
		{http.MethodPut, "/v2/vectordb/users/list"},
		{http.MethodPost, "/v1/vectordb/users/list"},
		{http.MethodPost, "/v2/vectordb/users/list/"},
	} {
		rq, _ := http.NewRequest(c.method, strings.TrimSuffix(h.url, "/v2/vectordb/")+c.path, strings.NewReader(`{}`))
		rq.Header.Set("Authorization", "Bearer "+rootToken)
		resp, err := http.DefaultClient.Do(rq)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 || resp.Header.Get("Content-Type") != "text/plain" {
			t.Errorf("%s %s: %d %s", c.method, c.path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
}

// TestNoBuiltinGroupsBefore2418: built-in groups are listed and refused by v1 only where they
// exist.
func TestNoBuiltinGroupsBefore2418(t *testing.T) {
	h := start(t, Options{Version: release.V(2, 4, 17)})
	mustNil(t, h.emu.CreateRole("r"))
	if got := h.root("privilege_groups/list", `{}`); got != `{"code":0,"data":{"privilegeGroups":[]}}` {
		t.Errorf("list: %s", got)
	}
	got := decode(t, h.root("roles/grant_privilege", `{"roleName":"r","objectType":"Global","objectName":"*","privilege":"ClusterAdmin"}`))
	if got.Message != "not found the privilege name[ClusterAdmin] in object[Global]" {
		t.Errorf("v1 with a group name that does not exist yet: %+v", got)
	}
}

func TestCallsAndPeakInFlight(t *testing.T) {
	h := start(t, Options{Latency: 50 * time.Millisecond})
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.do(rootToken, "users/list", `{}`)
		}()
	}
	wg.Wait()
	h.do(rootToken, "roles/list", `{}`)
	h.do(rootToken, "privilege_groups/nope", `{}`)
	if d := cmp.Diff(map[string]int{"users/list": 6, "roles/list": 1, "privilege_groups/nope": 1}, h.emu.Calls()); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	if n := h.emu.TotalCalls(); n != 8 {
		t.Errorf("TotalCalls = %d", n)
	}
	if p := h.emu.PeakInFlight(); p < 2 || p > 6 {
		t.Errorf("PeakInFlight = %d for 6 concurrent calls of 50ms", p)
	}
	h.emu.ResetCalls()
	if len(h.emu.Calls()) != 0 || h.emu.PeakInFlight() != 0 {
		t.Errorf("after ResetCalls: %v, peak %d", h.emu.Calls(), h.emu.PeakInFlight())
	}
}

func TestLatency(t *testing.T) {
	h := start(t, Options{Latency: 1500 * time.Millisecond})
	began := time.Now()
	st, body := h.do(rootToken, "users/list", `{}`, "Request-Timeout", "1")
	if st != 408 || body != `{"code":10001,"message":"request timeout"}` {
		t.Errorf("Request-Timeout shorter than the latency: %d %s", st, body)
	}
	if d := time.Since(began); d < time.Second {
		t.Errorf("answered after %s, before the Request-Timeout", d)
	}

	// A client that gives up frees the handler at once.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	rq, _ := http.NewRequestWithContext(ctx, http.MethodPost, h.url+"users/list", strings.NewReader(`{}`))
	if _, err := http.DefaultClient.Do(rq); err == nil {
		t.Fatal("the request outlived its context")
	}
	deadline := time.Now().Add(time.Second)
	for {
		h.emu.statsMu.Lock()
		n := h.emu.inFlight
		h.emu.statsMu.Unlock()
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the handler kept sleeping after the client left")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestHelpers(t *testing.T) {
	emu := New(Options{RootPassword: "S3cret!", BuiltinRoles: []string{"db_ro"}})
	mustNil(t, emu.CreateUser("bob", "secret1"))
	mustNil(t, emu.CreateRole("r"))
	mustNil(t, emu.AddUserRole("bob", "r"))
	mustNil(t, emu.Grant("r", "Global", "CreateCollection", "db1", "x"))
	mustNil(t, emu.Grant("r", "Global", "CreateCollection", "db1", "x"))
	mustNil(t, emu.CreatePrivilegeGroup("g", "Search", "Query"))
	for _, err := range []error{
		emu.CreateUser("bob", "x"), emu.CreateRole("r"), emu.CreateRole("db_ro"), emu.AddUserRole("ghost", "r"),
		emu.AddUserRole("bob", "ghost"), emu.Grant("ghost", "Global", "All", "*", "*"), emu.CreatePrivilegeGroup("g"),
	} {
		if err == nil {
			t.Error("a helper accepted what the state cannot hold")
		}
	}
	if d := cmp.Diff(map[string][]string{"bob": {"r"}, "root": {}}, emu.Users()); d != "" {
		t.Errorf("Users (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"admin", "db_ro", "public", "r"}, emu.Roles()); d != "" {
		t.Errorf("Roles (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]Grant{{ObjectType: "Global", Privilege: "CreateCollection", Database: "db1", Object: "x", Grantor: "root"}}, emu.Grants("r")); d != "" {
		t.Errorf("Grants: the helper stores exactly what it is given (-want +got):\n%s", d)
	}
	if emu.Grants("ghost") != nil {
		t.Error("Grants of a missing role")
	}
	if d := cmp.Diff(map[string][]string{"g": {"Query", "Search"}}, emu.Groups()); d != "" {
		t.Errorf("Groups (-want +got):\n%s", d)
	}
	if !emu.CheckPassword("root", "S3cret!") || emu.CheckPassword("root", "Milvus") || emu.CheckPassword("ghost", "") {
		t.Error("CheckPassword")
	}
}

// TestConcurrentMutations: the state survives concurrent requests (run with -race).
func TestConcurrentMutations(t *testing.T) {
	h := start(t, Options{MaxRoles: 100})
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			name := "r" + string(rune('a'+i))
			h.do(rootToken, "roles/create", `{"roleName":"`+name+`"}`)
			h.do(rootToken, "roles/grant_privilege_v2", `{"roleName":"`+name+`","privilege":"Load","dbName":"*","collectionName":"*"}`)
			h.do(rootToken, "roles/describe", `{"roleName":"`+name+`","dbName":"*"}`)
		}(i)
	}
	wg.Wait()
	if n := len(h.emu.Roles()); n != 22 {
		t.Errorf("%d roles", n)
	}
	for _, r := range h.emu.Roles() {
		if r != "admin" && r != "public" && len(h.emu.Grants(r)) != 3 {
			t.Errorf("%s: %v", r, grantSet(h.emu.Grants(r)))
		}
	}
}
