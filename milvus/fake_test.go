package milvus

import (
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/milvus-rbac/milvus-rbac/apply"
)

// The compile-time check that Client is what apply needs. It lives in a test so that package
// milvus never imports apply.
var _ apply.Cluster = (*Client)(nil)

// request is one call the fake received.
type request struct {
	Endpoint string // path without BasePath: "users/list"
	Method   string
	Header   http.Header
	Body     string
}

// reply is what a route answers. A zero Status means 200; Body is sent as is.
type reply struct {
	Status      int
	Body        string
	ContentType string
	Delay       time.Duration
}

func ok(data string) reply { return reply{Body: `{"code":0,"data":` + data + `}`} }

func fail(code int, msg string) reply {
	b, _ := json.Marshal(map[string]any{"code": code, "message": msg})
	return reply{Body: string(b)}
}

var (
	okEmpty  = ok(`{}`)
	notFound = reply{Status: http.StatusNotFound, Body: "404 page not found", ContentType: "text/plain"}
)

// fake is a REST server that answers from routes and records every request. A call to a path
// without a route fails the test. It measures how many calls are in flight at once.
type fake struct {
	t      *testing.T
	mu     sync.Mutex
	routes map[string]func(body map[string]any) reply
	reqs   []request
	cur    int
	max    int
}

func newFake(t *testing.T) *fake {
	return &fake{t: t, routes: map[string]func(map[string]any) reply{}}
}

// on sets the answer of endpoint.
func (f *fake) on(endpoint string, fn func(body map[string]any) reply) *fake {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.routes[endpoint] = fn
	return f
}

// always sets a fixed answer for endpoint.
func (f *fake) always(endpoint string, r reply) *fake {
	return f.on(endpoint, func(map[string]any) reply { return r })
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	endpoint := strings.TrimPrefix(r.URL.Path, BasePath+"/")
	f.mu.Lock()
	f.reqs = append(f.reqs, request{Endpoint: endpoint, Method: r.Method, Header: r.Header.Clone(), Body: string(body)})
	route := f.routes[endpoint]
	f.cur++
	f.max = max(f.max, f.cur)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.cur--
		f.mu.Unlock()
	}()
	if route == nil || !strings.HasPrefix(r.URL.Path, BasePath+"/") {
		f.t.Errorf("unexpected call %s %s %s", r.Method, r.URL.Path, body)
		http.NotFound(w, r)
		return
	}
	var parsed map[string]any
	if err := json.Unmarshal(body, &parsed); err != nil {
		f.t.Errorf("%s: body is not a JSON object: %v", endpoint, err)
	}
	rep := route(parsed)
	if rep.Delay > 0 {
		select {
		case <-time.After(rep.Delay):
		case <-r.Context().Done():
			return
		}
	}
	ct := rep.ContentType
	if ct == "" {
		ct = "application/json; charset=utf-8"
	}
	w.Header().Set("Content-Type", ct)
	if rep.Status != 0 {
		w.WriteHeader(rep.Status)
	}
	io.WriteString(w, rep.Body)
}

// requests returns the recorded requests.
func (f *fake) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.reqs...)
}

// endpoints returns the endpoints called, in order.
func (f *fake) endpoints() []string {
	var out []string
	for _, r := range f.requests() {
		out = append(out, r.Endpoint)
	}
	return out
}

// counts returns how many times each endpoint was called.
func (f *fake) counts() map[string]int {
	out := map[string]int{}
	for _, r := range f.requests() {
		out[r.Endpoint]++
	}
	return out
}

// bodies returns the bodies sent to endpoint, sorted (concurrent calls arrive in any order).
func (f *fake) bodies(endpoint string) []string {
	var out []string
	for _, r := range f.requests() {
		if r.Endpoint == endpoint {
			out = append(out, r.Body)
		}
	}
	sort.Strings(out)
	return out
}

func (f *fake) maxInFlight() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.max
}

// start serves f and returns a Client for it built from cfg (URI filled in).
func (f *fake) start(cfg Config) *Client {
	f.t.Helper()
	srv := httptest.NewServer(f)
	f.t.Cleanup(srv.Close)
	cfg.URI = srv.URL
	c, err := New(cfg)
	if err != nil {
		f.t.Fatalf("New: %v", err)
	}
	c.backoff = time.Millisecond // retries are tested in retry_test.go; keep the rest fast
	return c
}

// newTLSServer is httptest.NewTLSServer without the server's log of failed handshakes, which
// the TLS tests cause on purpose.
func newTLSServer(t *testing.T, h http.Handler) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}
