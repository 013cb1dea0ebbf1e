package milvus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/milvus-rbac/milvus-rbac/spec"
)

// scripted is a server whose answers to each endpoint follow a script, one entry per call; the
// last entry repeats. It counts the calls per endpoint.
type scripted struct {
	t      *testing.T
	mu     sync.Mutex
	script map[string][]func(w http.ResponseWriter)
	calls  []string
}

func newScripted(t *testing.T) *scripted {
	return &scripted{t: t, script: map[string][]func(http.ResponseWriter){}}
}

func (s *scripted) on(endpoint string, answers ...func(w http.ResponseWriter)) *scripted {
	s.script[endpoint] = answers
	return s
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	endpoint := strings.TrimPrefix(r.URL.Path, BasePath+"/")
	s.mu.Lock()
	n := 0
	for _, c := range s.calls {
		if c == endpoint {
			n++
		}
	}
	s.calls = append(s.calls, endpoint)
	answers := s.script[endpoint]
	s.mu.Unlock()
	if len(answers) == 0 {
		s.t.Errorf("unexpected call %s", endpoint)
		http.NotFound(w, r)
		return
	}
	answers[min(n, len(answers)-1)](w)
}

func (s *scripted) endpoints() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

func (s *scripted) start(cfg Config) *Client {
	s.t.Helper()
	srv := httptest.NewServer(s)
	s.t.Cleanup(srv.Close)
	cfg.URI = srv.URL
	c, err := New(cfg)
	if err != nil {
		s.t.Fatal(err)
	}
	c.backoff = time.Millisecond
	return c
}

func answer(status int, body string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
}

// drop closes the connection without an answer.
func drop(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
}

var (
	answerOK   = answer(200, `{"code":0,"data":{}}`)
	answer503  = answer(503, `upstream unavailable`)
	answerRoot = answer(200, `{"code":0,"data":["root"]}`)
)

func TestRetryTransient(t *testing.T) {
	tests := map[string]func(http.ResponseWriter){
		"503":                answer503,
		"502 html":           answer(502, "<html>502 Bad Gateway</html>"),
		"500":                answer(500, `{"code":65535,"message":"boom"}`),
		"408":                answer(408, `{"code":10001,"message":"request timeout"}`),
		"429":                answer(429, `{"code":1807,"message":"rate limited"}`),
		"code 10001":         answer(200, `{"code":10001,"message":"request timeout"}`),
		"dropped connection": drop,
	}
	for name, failure := range tests {
		t.Run(name, func(t *testing.T) {
			s := newScripted(t).on("roles/create", failure, failure, answerOK)
			if err := s.start(Config{}).CreateRole(testCtx(t), "r"); err != nil {
				t.Fatalf("err = %v", err)
			}
			if got := len(s.endpoints()); got != 3 {
				t.Errorf("%d calls %v, want 3", got, s.endpoints())
			}
		})
	}
}

func TestNoRetry(t *testing.T) {
	tests := map[string]func(http.ResponseWriter){
		"401":          answer(401, `{"code":1800,"message":"user hasn't authenticated"}`),
		"403":          answer(403, `{"code":65535,"message":"permission deny"}`),
		"404":          answer(404, `404 page not found`),
		"400":          answer(400, `Client sent an HTTP request to an HTTPS server.`),
		"code 65535":   answer(200, `{"code":65535,"message":"role [name:\"r\"] already exists"}`),
		"code 1100":    answer(200, `{"code":1100,"message":"invalid parameter"}`),
		"html 200":     answer(200, `<html>maintenance</html>`),
		"no code":      answer(200, `{"data":{}}`),
		"quota code 9": answer(200, `{"code":9,"message":"has reached the limit"}`),
	}
	for name, failure := range tests {
		t.Run(name, func(t *testing.T) {
			s := newScripted(t).on("roles/create", failure, answerOK)
			err := s.start(Config{}).CreateRole(testCtx(t), "r")
			if err == nil {
				t.Fatal("no error")
			}
			var re *RetriedError
			if errors.As(err, &re) {
				t.Errorf("err = %v, want no retry", err)
			}
			if got := s.endpoints(); len(got) != 1 {
				t.Errorf("calls %v, want 1", got)
			}
		})
	}
}

func TestRetriesExhausted(t *testing.T) {
	for _, tc := range []struct {
		retries int
		calls   int
	}{{0, DefaultRetries + 1}, {2, 3}, {NoRetries, 1}} {
		t.Run(fmt.Sprint(tc.retries), func(t *testing.T) {
			s := newScripted(t).on("users/drop", answer503)
			err := s.start(Config{Retries: tc.retries}).DropUser(testCtx(t), "bob")
			var ae *APIError
			if !errors.As(err, &ae) || ae.HTTPStatus != 503 {
				t.Fatalf("err = %v, want the 503", err)
			}
			if got := len(s.endpoints()); got != tc.calls {
				t.Errorf("%d calls, want %d", got, tc.calls)
			}
			want := "users/drop: HTTP 503: upstream unavailable"
			if tc.calls > 1 {
				want += fmt.Sprintf(" (%d attempts)", tc.calls)
			}
			if err.Error() != want {
				t.Errorf("Error() = %q, want %q", err, want)
			}
		})
	}
}

func TestRetryPerCallTimeout(t *testing.T) {
	slow := func(w http.ResponseWriter) { time.Sleep(300 * time.Millisecond); answerRoot(w) }
	s := newScripted(t).on("users/list", slow, answerRoot)
	names, err := s.start(Config{Timeout: 50 * time.Millisecond}).listNames(testCtx(t), "users/list")
	if err != nil || len(names) != 1 {
		t.Fatalf("names %v, err %v", names, err)
	}

	s = newScripted(t).on("users/list", slow)
	_, err = s.start(Config{Timeout: 50 * time.Millisecond, Retries: 1}).listNames(testCtx(t), "users/list")
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no answer within 50ms") {
		t.Fatalf("err = %v, want no answer within 50ms", err)
	}
}

// TestAmbiguousCreate: a create whose attempt may have acted and whose retry answers "already
// exists" is settled by looking at the list, and only then.
func TestAmbiguousCreate(t *testing.T) {
	exists := answer(200, `{"code":65535,"message":"user already exists: bob"}`)
	roleExists := answer(200, `{"code":65535,"message":"role [name:\"r\"] already exists"}`)
	groupExists := answer(200, `{"code":1100,"message":"privilege group name [g] is defined by users"}`)
	roleGone := answer(200, `{"code":65535,"message":"not found the role, maybe the role isn't existed or internal system error"}`)
	tests := map[string]struct {
		endpoint, list string
		first          func(http.ResponseWriter)
		retry          func(http.ResponseWriter)
		listed         func(http.ResponseWriter)
		do             func(context.Context, *Client) error
		wantErr        bool
		wantCalls      []string
	}{
		"user created by the dropped attempt": {"users/create", "users/list", drop, exists,
			answer(200, `{"code":0,"data":["root","bob"]}`),
			func(ctx context.Context, c *Client) error { return c.CreateUser(ctx, "bob", "Pa55word!") },
			false, []string{"users/create", "users/create", "users/list"}},
		"user exists but is not listed": {"users/create", "users/list", drop, exists, answerRoot,
			func(ctx context.Context, c *Client) error { return c.CreateUser(ctx, "bob", "Pa55word!") },
			true, []string{"users/create", "users/create", "users/list"}},
		"user exists and no attempt was ambiguous": {"users/create", "users/list", answer(429, "slow down"), exists, answerRoot,
			func(ctx context.Context, c *Client) error { return c.CreateUser(ctx, "bob", "Pa55word!") },
			true, []string{"users/create", "users/create"}},
		"role after a timeout": {"roles/create", "roles/list", answer(408, `{"code":10001,"message":"request timeout"}`), roleExists,
			answer(200, `{"code":0,"data":["admin","public","r"]}`),
			func(ctx context.Context, c *Client) error { return c.CreateRole(ctx, "r") },
			false, []string{"roles/create", "roles/create", "roles/list"}},
		"group after a 502": {"privilege_groups/create", "privilege_groups/list", answer(502, "bad gateway"), groupExists,
			answer(200, `{"code":0,"data":{"privilegeGroups":[{"privilegeGroupName":"g","privileges":""}]}}`),
			func(ctx context.Context, c *Client) error { return c.CreatePrivilegeGroup(ctx, "g") },
			false, []string{"privilege_groups/create", "privilege_groups/create", "privilege_groups/list"}},
		"role dropped by the dropped attempt": {"roles/drop", "roles/list", drop, roleGone,
			answer(200, `{"code":0,"data":["admin","public"]}`),
			func(ctx context.Context, c *Client) error { return c.DropRole(ctx, "r") },
			false, []string{"roles/drop", "roles/drop", "roles/list"}},
		"role not found and still listed": {"roles/drop", "roles/list", drop, roleGone,
			answer(200, `{"code":0,"data":["admin","public","r"]}`),
			func(ctx context.Context, c *Client) error { return c.DropRole(ctx, "r") },
			true, []string{"roles/drop", "roles/drop", "roles/list"}},
		"the list fails": {"users/create", "users/list", drop, exists, answer(401, `{"code":1800,"message":"no"}`),
			func(ctx context.Context, c *Client) error { return c.CreateUser(ctx, "bob", "Pa55word!") },
			true, []string{"users/create", "users/create", "users/list"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := newScripted(t).on(tc.endpoint, tc.first, tc.retry).on(tc.list, tc.listed)
			err := tc.do(testCtx(t), s.start(Config{}))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if got := s.endpoints(); strings.Join(got, " ") != strings.Join(tc.wantCalls, " ") {
				t.Errorf("calls %v, want %v", got, tc.wantCalls)
			}
		})
	}
}

// TestAmbiguousCreateHoldsOneSlot: settling runs within the create's slot, so that creates
// filling every slot cannot deadlock waiting for a slot to look.
func TestAmbiguousCreateHoldsOneSlot(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]bool{}
	var lists int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ UserName string }
		json.NewDecoder(r.Body).Decode(&req)
		mu.Lock()
		defer mu.Unlock()
		switch strings.TrimPrefix(r.URL.Path, BasePath+"/") {
		case "users/create":
			// Each user's first attempt acts, then drops; later ones find the user exists.
			if !seen[req.UserName] {
				seen[req.UserName] = true
				drop(w)
				return
			}
			answer(200, `{"code":65535,"message":"user already exists"}`)(w)
		case "users/list":
			lists++
			answer(200, `{"code":0,"data":["root","u0","u1","u2","u3"]}`)(w)
		}
	}))
	t.Cleanup(srv.Close)
	c, err := New(Config{URI: srv.URL, Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	c.backoff = time.Millisecond
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			if err := c.CreateUser(testCtx(t), fmt.Sprintf("u%d", i), "Pa55word!"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if lists != 4 {
		t.Errorf("%d users/list calls, want one per create", lists)
	}
}

func TestGrantRetriesArePlain(t *testing.T) {
	s := newScripted(t).on("roles/grant_privilege_v2", drop, answerOK)
	if err := s.start(Config{}).GrantPrivilege(testCtx(t), "r", spec.NewGrant("Search", "default", "*")); err != nil {
		t.Fatal(err)
	}
	if got := s.endpoints(); len(got) != 2 {
		t.Errorf("calls %v", got)
	}
}

func TestNotRetriedWhenCancelled(t *testing.T) {
	s := newScripted(t).on("users/list", answer503)
	c := s.start(Config{})
	c.backoff = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { _, err := c.listNames(ctx, "users/list"); done <- err }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		var ae *APIError
		if !errors.As(err, &ae) || ae.HTTPStatus != 503 {
			t.Errorf("err = %v, want the last 503", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the backoff did not end with the context")
	}
	if got := len(s.endpoints()); got != 1 {
		t.Errorf("%d calls, want 1", got)
	}
}

func TestDeadline(t *testing.T) {
	t.Run("slow server", func(t *testing.T) {
		slow := func(w http.ResponseWriter) { time.Sleep(700 * time.Millisecond); answerRoot(w) }
		s := newScripted(t).on("users/list", slow)
		c := s.start(Config{Deadline: 100 * time.Millisecond})
		start := time.Now()
		_, err := c.listNames(context.Background(), "users/list")
		if !errors.Is(err, ErrDeadline) {
			t.Fatalf("err = %v, want ErrDeadline", err)
		}
		if took := time.Since(start); took > 500*time.Millisecond {
			t.Errorf("took %s, want about 100ms", took)
		}
		if h := Hint(err); !strings.Contains(h, "--deadline") {
			t.Errorf("Hint = %q", h)
		}
	})
	t.Run("no backoff past the deadline", func(t *testing.T) {
		s := newScripted(t).on("users/list", answer503)
		c := s.start(Config{Deadline: 300 * time.Millisecond, Retries: 10})
		c.backoff = time.Second
		start := time.Now()
		_, err := c.listNames(context.Background(), "users/list")
		var ae *APIError
		if !errors.As(err, &ae) || ae.HTTPStatus != 503 {
			t.Fatalf("err = %v, want the 503", err)
		}
		if took := time.Since(start); took > 250*time.Millisecond {
			t.Errorf("took %s: waited for a retry that could not happen", took)
		}
	})
	t.Run("after the deadline", func(t *testing.T) {
		s := newScripted(t).on("users/list", answerRoot)
		c := s.start(Config{Deadline: time.Millisecond})
		time.Sleep(5 * time.Millisecond)
		_, err := c.listNames(context.Background(), "users/list")
		if !errors.Is(err, ErrDeadline) || len(s.endpoints()) != 0 {
			t.Fatalf("err = %v after %d calls, want ErrDeadline and no call", err, len(s.endpoints()))
		}
	})
}

// TestRate: calls, retries included, start at least 1/Rate apart.
func TestRate(t *testing.T) {
	s := newScripted(t).on("users/list", answer503, answerRoot).on("roles/list", answerRoot)
	c := s.start(Config{Rate: 20, Concurrency: 4})
	start := time.Now()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := c.listNames(testCtx(t), "roles/list"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Go(func() {
		if _, err := c.listNames(testCtx(t), "users/list"); err != nil {
			t.Error(err)
		}
	})
	wg.Wait()
	// 6 calls at 20 per second: the last starts at least 5 × 50ms after the first.
	if n, took := len(s.endpoints()), time.Since(start); n != 6 || took < 250*time.Millisecond {
		t.Errorf("%d calls in %s, want 6 in at least 250ms", n, took)
	}
}

func TestBackoff(t *testing.T) {
	c := &Client{backoff: initialBackoff}
	for n := 1; n <= 8; n++ {
		d := min(initialBackoff<<(n-1), maxBackoff)
		for range 50 {
			if got := c.backoffFor(n, 0); got < d/2 || got > d {
				t.Fatalf("backoff before attempt %d = %s, want within [%s, %s]", n+1, got, d/2, d)
			}
		}
	}
	if got := c.backoffFor(1, 3*time.Second); got != 3*time.Second {
		t.Errorf("with Retry-After 3s: %s", got)
	}
	if got := c.backoffFor(1, time.Hour); got != maxRetryAfter {
		t.Errorf("with Retry-After 1h: %s, want the cap %s", got, maxRetryAfter)
	}
	for in, want := range map[string]time.Duration{"": 0, "2": 2 * time.Second, "-1": 0, "soon": 0,
		"100000": maxRetryAfter + time.Second, time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat): 0} {
		if got := retryAfter(in); got != want {
			t.Errorf("retryAfter(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestLog: one line per attempt, with the status and code and never a body or a secret.
func TestLog(t *testing.T) {
	const password = "Pw-Secret-42!"
	echo := func(w http.ResponseWriter) {
		answer(503, `{"code":65535,"message":"echo `+password+` root:Hunter2pw"}`)(w)
	}
	s := newScripted(t).on("users/create", echo, answerOK)
	var mu sync.Mutex
	var lines []string
	c := s.start(Config{Token: "root:Hunter2pw", Log: func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, fmt.Sprintf(format, args...))
	}})
	if err := c.CreateUser(testCtx(t), "bob", password); err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 {
		t.Fatalf("lines %q, want 2", lines)
	}
	for i, want := range []string{"users/create attempt 1/4: HTTP 503 code 65535 in ", "users/create attempt 2/4: HTTP 200 code 0 in "} {
		if !strings.HasPrefix(lines[i], want) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], want)
		}
	}
	if !strings.Contains(lines[0], ": retrying in ") || !strings.HasSuffix(lines[1], ": ok") {
		t.Errorf("lines %q", lines)
	}
	for _, l := range lines {
		if strings.Contains(l, password) || strings.Contains(l, "Hunter2pw") || strings.Contains(l, "echo") {
			t.Errorf("log line %q shows a body or a secret", l)
		}
	}
}

func TestInsecureHTTP(t *testing.T) {
	tests := map[string]struct {
		cfg     Config
		wantErr bool
	}{
		"token over http to a remote host": {Config{URI: "http://milvus.example.com:19530", Token: "root:Milvus"}, true},
		"the same with InsecureHTTP":       {Config{URI: "http://milvus.example.com:19530", Token: "root:Milvus", InsecureHTTP: true}, false},
		"https":                            {Config{URI: "https://milvus.example.com", Token: "root:Milvus"}, false},
		"no token":                         {Config{URI: "http://10.0.0.5:19530"}, false},
		"localhost":                        {Config{URI: "http://localhost:19530", Token: "root:Milvus"}, false},
		"127.0.0.1":                        {Config{URI: "http://127.0.0.1:19530", Token: "root:Milvus"}, false},
		"::1":                              {Config{URI: "http://[::1]:19530", Token: "root:Milvus"}, false},
		"private address":                  {Config{URI: "http://10.0.0.5:19530", Token: "k"}, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := New(tc.cfg)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err != nil {
				for _, s := range []string{"https://", "--insecure-http"} {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not say %q", err, s)
					}
				}
				if strings.Contains(err.Error(), "Milvus") {
					t.Errorf("error %q shows the token", err)
				}
			}
		})
	}
}
