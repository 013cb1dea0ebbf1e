package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/release"
)

const rootToken = "root:Milvus"

// eraVersion is a release of each error era, for the tests written per era: the latest 2.5,
// the last 2.6 before descriptions, and the first release with them.
var eraVersion = map[release.Era]release.Version{
	release.E1: release.V(2, 5, 27),
	release.E2: release.V(2, 6, 12),
	release.E3: release.V(2, 6, 19),
}

// harness is an emulator behind a real HTTP server.
type harness struct {
	t   *testing.T
	emu *Server
	url string
}

func start(t *testing.T, opts Options) *harness {
	t.Helper()
	emu := New(opts)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return &harness{t: t, emu: emu, url: srv.URL + "/v2/vectordb/"}
}

// do POSTs body to endpoint with "Authorization: Bearer <token>" (none when token is empty) and
// any extra headers given as name, value pairs. It returns the HTTP status and the body.
func (h *harness) do(token, endpoint, body string, headers ...string) (int, string) {
	h.t.Helper()
	rq, err := http.NewRequest(http.MethodPost, h.url+endpoint, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	rq.Header.Set("Content-Type", "application/json")
	if token != "" {
		rq.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		rq.Header.Set(headers[i], headers[i+1])
	}
	return h.send(rq)
}

func (h *harness) send(rq *http.Request) (int, string) {
	h.t.Helper()
	resp, err := http.DefaultClient.Do(rq)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// root calls endpoint as root and returns the body.
func (h *harness) root(endpoint, body string, headers ...string) string {
	h.t.Helper()
	_, b := h.do(rootToken, endpoint, body, headers...)
	return b
}

// mustOK calls endpoint as root and fails the test unless the answer is the mutation success.
func (h *harness) mustOK(endpoint, body string, headers ...string) {
	h.t.Helper()
	if st, b := h.do(rootToken, endpoint, body, headers...); st != 200 || b != `{"code":0,"data":{}}` {
		h.t.Fatalf("%s %s: HTTP %d %s", endpoint, body, st, b)
	}
}

// envelope is an error envelope, or a success one with its raw data.
type envelope struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

func decode(t *testing.T, body string) envelope {
	t.Helper()
	var e envelope
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("not JSON: %q: %v", body, err)
	}
	return e
}

// describe returns roles/describe data of role in db as root.
func (h *harness) describe(role, db string) []map[string]string {
	h.t.Helper()
	body := `{"roleName":"` + role + `"}`
	if db != "" {
		body = `{"roleName":"` + role + `","dbName":"` + db + `"}`
	}
	e := decode(h.t, h.root("roles/describe", body))
	if e.Code != 0 {
		h.t.Fatalf("describe %s in %q: %d %s", role, db, e.Code, e.Message)
	}
	var out []map[string]string
	if err := json.Unmarshal(e.Data, &out); err != nil {
		h.t.Fatal(err)
	}
	return out
}

// grantSet renders grants as "type/db/object/privilege" strings.
func grantSet(gs []Grant) []string {
	out := []string{}
	for _, g := range gs {
		out = append(out, g.ObjectType+"/"+g.Database+"/"+g.Object+"/"+g.Privilege)
	}
	return out
}

func sortedCopy(ss []string) []string {
	out := append([]string{}, ss...)
	sort.Strings(out)
	return out
}
