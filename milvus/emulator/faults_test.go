package emulator

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// try POSTs body to endpoint as root and returns the status and body, or status 0 when the
// connection closed without an answer.
func (h *harness) try(endpoint, body string) (int, string) {
	h.t.Helper()
	rq, err := http.NewRequest(http.MethodPost, h.url+endpoint, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	rq.Header.Set("Authorization", "Bearer "+rootToken)
	rq.Close = true // a dropped connection must not poison the next request
	resp, err := http.DefaultClient.Do(rq)
	if err != nil {
		if !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "EOF") && !strings.Contains(err.Error(), "reset") {
			h.t.Fatalf("%s: %v", endpoint, err)
		}
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestFaultKinds(t *testing.T) {
	tests := map[string]struct {
		status int
		body   string
		acted  bool
	}{
		Fault503:       {503, "503 Service Unavailable\n", false},
		Fault429:       {429, "429 Too Many Requests\n", false},
		Fault408:       {408, `{"code":10001,"message":"request timeout"}`, false},
		FaultDrop:      {0, "", false},
		FaultDropAfter: {0, "", true},
	}
	for kind, tc := range tests {
		t.Run(kind, func(t *testing.T) {
			h := start(t, Options{Faults: Faults{Rate: 1, Kinds: []string{kind}}})
			st, b := h.try("roles/create", `{"roleName":"r"}`)
			if st != tc.status || b != tc.body {
				t.Errorf("got HTTP %d %q, want %d %q", st, b, tc.status, tc.body)
			}
			if acted := len(h.emu.Roles()) == 3; acted != tc.acted {
				t.Errorf("roles %v: acted %v, want %v", h.emu.Roles(), acted, tc.acted)
			}
			if got := h.emu.Faults(); !cmp.Equal(got, map[string]int{kind: 1}) {
				t.Errorf("Faults() = %v", got)
			}
		})
	}
}

// TestFaultsReplay: the same seed and the same requests meet the same faults; a retry of a
// request draws again; the rate is about right.
func TestFaultsReplay(t *testing.T) {
	run := func(seed int64) []string {
		h := start(t, Options{Faults: Faults{Seed: seed, Rate: 0.2}})
		var out []string
		for i := range 200 {
			st, _ := h.try("users/describe", fmt.Sprintf(`{"userName":"u%d"}`, i%50))
			out = append(out, fmt.Sprint(st))
		}
		return out
	}
	a, b, c := run(1), run(1), run(2)
	if !cmp.Equal(a, b) {
		t.Error("seed 1 gave different faults in two runs")
	}
	if cmp.Equal(a, c) {
		t.Error("seeds 1 and 2 gave the same faults")
	}
	failed := 0
	for _, s := range a {
		if s != "200" {
			failed++
		}
	}
	if failed < 20 || failed > 60 {
		t.Errorf("%d of 200 calls failed at rate 0.2", failed)
	}
}

// TestFailNthMutation: reads are not counted; the N-th mutation fails without acting, and so
// do its repeats, until SetFaults.
func TestFailNthMutation(t *testing.T) {
	h := start(t, Options{Faults: Faults{FailNthMutation: 2}})
	h.try("users/list", `{}`)
	if st, _ := h.try("roles/create", `{"roleName":"a"}`); st != 200 {
		t.Fatalf("first mutation: HTTP %d", st)
	}
	for range 3 {
		if st, _ := h.try("roles/create", `{"roleName":"b"}`); st != 503 {
			t.Fatalf("second mutation and its repeats: HTTP %d, want 503", st)
		}
	}
	if st, _ := h.try("roles/create", `{"roleName":"c"}`); st != 200 {
		t.Fatalf("another mutation: HTTP %d", st)
	}
	if got := h.emu.Roles(); !cmp.Equal(got, []string{"a", "admin", "c", "public"}) {
		t.Errorf("roles %v", got)
	}
	if got := h.emu.Faults(); !cmp.Equal(got, map[string]int{FaultNthMutation: 3}) {
		t.Errorf("Faults() = %v", got)
	}
	h.emu.SetFaults(Faults{})
	if st, _ := h.try("roles/create", `{"roleName":"b"}`); st != 200 {
		t.Fatalf("after SetFaults: HTTP %d", st)
	}
	if len(h.emu.Faults()) != 0 {
		t.Errorf("Faults() after SetFaults = %v", h.emu.Faults())
	}
}

func TestFaultsCheck(t *testing.T) {
	for _, f := range []Faults{{Rate: -0.1}, {Rate: 1.5}, {FailNthMutation: -1}, {Kinds: []string{"500"}}} {
		if f.Check() == nil {
			t.Errorf("Check(%+v) = nil", f)
		}
	}
	if k, err := ParseFaultKinds(" 503, drop-after ,"); err != nil || !cmp.Equal(k, []string{"503", "drop-after"}) {
		t.Errorf("ParseFaultKinds = %v, %v", k, err)
	}
	if _, err := ParseFaultKinds("503,boom"); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("ParseFaultKinds(boom) err = %v", err)
	}
}

func TestFaultsFirstOnly(t *testing.T) {
	h := start(t, Options{Faults: Faults{Rate: 1, Kinds: []string{FaultDropAfter}, FirstOnly: true}})
	if st, _ := h.try("users/create", `{"userName":"bob","password":"Pa55word!"}`); st != 0 {
		t.Fatalf("first attempt: HTTP %d, want a dropped connection", st)
	}
	st, b := h.try("users/create", `{"userName":"bob","password":"Pa55word!"}`)
	if st != 200 || !strings.Contains(b, "already exists") {
		t.Fatalf("repeat: HTTP %d %s, want the answer of a user that exists", st, b)
	}
	if st, _ := h.try("users/list", `{}`); st != 0 {
		t.Fatalf("another request's first attempt: HTTP %d, want a dropped connection", st)
	}
}

// TestReadsAreNotMutations: FailNthMutation counts only the calls that change something; the
// database, collection and alias reads are not among them.
func TestReadsAreNotMutations(t *testing.T) {
	h := start(t, Options{Faults: Faults{FailNthMutation: 1}})
	for _, c := range []struct{ endpoint, body string }{
		{"databases/list", `{}`}, {"collections/list", `{}`}, {"aliases/list", `{}`},
		{"aliases/describe", `{"aliasName":"a"}`}, {"users/list", `{}`}, {"roles/describe", `{"roleName":"public"}`},
	} {
		if st, body := h.do(rootToken, c.endpoint, c.body); st != 200 {
			t.Errorf("%s: HTTP %d %s", c.endpoint, st, body)
		}
	}
	if st, _ := h.do(rootToken, "roles/create", `{"roleName":"r"}`); st != 503 {
		t.Errorf("the first mutation: HTTP %d, want 503", st)
	}
}
