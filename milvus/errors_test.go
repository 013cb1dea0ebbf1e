package milvus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/milvus-rbac/milvus-rbac/spec"
)

func TestAPIErrorText(t *testing.T) {
	tests := map[string]struct {
		err  *APIError
		want string
	}{
		"rpc error":   {&APIError{"users/create", 200, 65535, "user already exists: bob"}, "users/create: code 65535: user already exists: bob"},
		"401":         {&APIError{"users/list", 401, 1800, "user hasn't authenticated"}, "users/list: HTTP 401: code 1800: user hasn't authenticated"},
		"plain 404":   {&APIError{"roles/grant_privilege_v2", 404, 0, "404 page not found"}, "roles/grant_privilege_v2: HTTP 404: 404 page not found"},
		"no message":  {&APIError{"roles/drop", 200, 5, ""}, "roles/drop: code 5"},
		"status only": {&APIError{"roles/drop", 502, 0, "Bad Gateway"}, "roles/drop: HTTP 502: Bad Gateway"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestIsAlreadyExistsIsNotFound(t *testing.T) {
	tests := map[string]struct {
		err            error
		exists, absent bool
	}{
		"user exists E1":       {&APIError{"users/create", 200, 65535, "user already exists: bob"}, true, false},
		"user exists E3":       {&APIError{"users/create", 200, 1100, "user already exists: bob: invalid parameter"}, true, false},
		"role exists":          {&APIError{"roles/create", 200, 65535, `role [name:"r"] already exists`}, true, false},
		"group exists":         {&APIError{"privilege_groups/create", 200, 1100, "privilege group name [g] is defined by users"}, true, false},
		"role not found E1":    {&APIError{"roles/drop", 200, 65535, "not found the role, maybe the role isn't existed or internal system error"}, false, true},
		"role not found E3":    {&APIError{"roles/describe", 200, 1100, `the role "x" does not exist: invalid parameter`}, false, true},
		"user not found E1":    {&APIError{"users/grant_role", 200, 65535, "not found the user, maybe the user isn't existed or internal system error"}, false, true},
		"user not found E3":    {&APIError{"users/grant_role", 200, 1100, `failed to check if operate user role: user "bob" not found: invalid parameter`}, false, true},
		"group not found":      {&APIError{"privilege_groups/add_privileges_to_group", 200, 1100, "there is no privilege group name [g] to operate"}, false, true},
		"unknown privilege":    {&APIError{"roles/grant_privilege", 200, 65535, "not found the privilege name[X] in object[Collection]"}, false, false},
		"unknown endpoint":     {&APIError{"roles/describe", 404, 0, "404 page not found"}, false, false},
		"wrapped":              {fmt.Errorf("create role %q: %w", "r", &APIError{"roles/create", 200, 65535, `role [name:"r"] already exists`}), true, false},
		"transport":            {&TransportError{Endpoint: "users/list", Err: errors.New("already exists")}, false, false},
		"nil":                  {nil, false, false},
		"has privileges":       {&APIError{"roles/drop", 200, 65535, "fail to drop the role that it has privileges. Use REVOKE API to revoke privileges"}, false, false},
		"group still in use":   {&APIError{"privilege_groups/drop", 200, 65535, "privilege group [g] is used by role [r], Use REVOKE API to revoke it first"}, false, false},
		"default role drop":    {&APIError{"roles/drop", 200, 1401, "the role[admin] is a default role, which can't be dropped: privilege not permitted"}, false, false},
		"limit reached":        {&APIError{"roles/create", 200, 65535, "unable to create role because the number of roles has reached the limit"}, false, false},
		"already granted text": {&APIError{"x", 200, 65535, "the privilege[Search] has been granted"}, false, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := IsAlreadyExists(tc.err); got != tc.exists {
				t.Errorf("IsAlreadyExists = %v, want %v", got, tc.exists)
			}
			if got := IsNotFound(tc.err); got != tc.absent {
				t.Errorf("IsNotFound = %v, want %v", got, tc.absent)
			}
		})
	}
}

// closedPort returns a 127.0.0.1 address nothing listens on.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestHint(t *testing.T) {
	t.Run("connection refused", func(t *testing.T) {
		addr := closedPort(t)
		c, err := New(Config{URI: "http://" + addr, Token: "root:Milvus"})
		if err != nil {
			t.Fatal(err)
		}
		c.backoff = time.Millisecond
		_, err = c.Read(testCtx(t))
		var te *TransportError
		if !errors.As(err, &te) || te.Host != addr {
			t.Fatalf("err = %v, want a *TransportError for %s", err, addr)
		}
		want := "is Milvus running at http://" + addr + "? set --uri or MILVUS_URI"
		if got := Hint(err); got != want {
			t.Errorf("Hint = %q, want %q", got, want)
		}
		if !strings.Contains(err.Error(), addr) {
			t.Errorf("error %q does not name the host", err)
		}
	})

	tests := map[string]struct {
		reply reply
		want  string
	}{
		"401": {reply{Status: 401, Body: `{"code":1800,"message":"user hasn't authenticated"}`},
			"the server refused the credentials, or none were sent: set MILVUS_TOKEN (or --token) to user:password or an API key"},
		"403 named": {reply{Status: 403, Body: `{"code":65535,"message":"rpc error: code = PermissionDenied desc = PrivilegeCreateOwnership: permission deny to bob in the ` + "`default`" + ` database"}`},
			"bob lacks the CreateOwnership privilege: grant its role ClusterAdmin (or CreateOwnership on Global *), or give it the admin role"},
		"403 read-only": {reply{Status: 403, Body: `{"code":65535,"message":"PrivilegeSelectOwnership: permission deny to apikey user in the ` + "`default`" + ` database"}`},
			"apikey user lacks the SelectOwnership privilege: grant its role ClusterReadOnly"},
		"403 bare": {reply{Status: 403, Body: `{"code":65535,"message":"permission denied"}`},
			"the connecting user lacks a privilege this call needs: grant its role ClusterAdmin"},
		"404": {notFound, "the server has no users/list endpoint: it is not Milvus REST API v2"},
		"408": {reply{Status: 408, Body: `{"code":10001,"message":"request timeout"}`}, "the server timed the call out"},
		"html": {reply{Body: "<html>login</html>", ContentType: "text/html"},
			"the answer is not Milvus REST JSON"},
		"redirect": {reply{Status: 302, Body: "", ContentType: "text/plain"}, "the server redirects"},
		"no auth": {fail(1100, "fail to get authorization from the md, authorization:[token]: invalid parameter"),
			"authorization disabled"},
		"other": {fail(65535, "etcd unavailable"), ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := newFake(t).always("users/list", tc.reply).start(Config{})
			_, err := c.listNames(testCtx(t), "users/list")
			if err == nil {
				t.Fatal("no error")
			}
			if got := Hint(err); !strings.Contains(got, tc.want) || (tc.want == "" && got != "") {
				t.Errorf("Hint(%v) = %q, want it to contain %q", err, got, tc.want)
			}
		})
	}

	t.Run("timeout", func(t *testing.T) {
		f := newFake(t).always("users/list", reply{Body: `{"code":0,"data":[]}`, Delay: 5 * time.Second})
		c := f.start(Config{Timeout: 50 * time.Millisecond})
		_, err := c.listNames(testCtx(t), "users/list")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want a deadline", err)
		}
		if h := Hint(err); !strings.HasPrefix(h, "no answer in time") {
			t.Errorf("Hint = %q", h)
		}
	})

	t.Run("https to a plain server", func(t *testing.T) {
		srv := httptest.NewServer(newFake(t))
		t.Cleanup(srv.Close)
		c, err := New(Config{URI: strings.Replace(srv.URL, "http://", "https://", 1)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.listNames(testCtx(t), "users/list")
		if h := Hint(err); !strings.Contains(h, "use http://") {
			t.Errorf("err %v: Hint = %q", err, h)
		}
	})

	t.Run("http to a TLS server", func(t *testing.T) {
		srv := newTLSServer(t, newFake(t))
		c, err := New(Config{URI: strings.Replace(srv.URL, "https://", "http://", 1)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.listNames(testCtx(t), "users/list")
		if h := Hint(err); !strings.Contains(h, "use https://") {
			t.Errorf("err %v: Hint = %q", err, h)
		}
	})

	if Hint(nil) != "" || Hint(errors.New("x")) != "" {
		t.Error("Hint of nil or an unknown error is not empty")
	}
}

// TestNoSecretsInErrors runs every call against servers that echo the request body and the
// Authorization header back in every way they can, and checks that no error or hint carries
// the token, its password or a user's password, raw or JSON-escaped.
func TestNoSecretsInErrors(t *testing.T) {
	const (
		tokenPass = "T0ken<Pass>&9"
		token     = "admin_bot:" + tokenPass
		password  = `Pw"Secret<&>42`
	)
	secrets := []string{token, tokenPass, password}
	for _, s := range []string{tokenPass, password} {
		b, _ := json.Marshal(s)
		secrets = append(secrets, string(b[1:len(b)-1]))
	}

	echo := map[string]func(body, auth string) reply{
		"rpc error": func(body, auth string) reply {
			return fail(65535, "bad request "+body+" from "+auth)
		},
		"http 500 text": func(body, auth string) reply {
			return reply{Status: 500, Body: "panic: " + body + " auth=" + auth, ContentType: "text/plain"}
		},
		"http 200 html": func(body, auth string) reply {
			return reply{Body: "<html><pre>" + body + "\n" + auth + "</pre></html>", ContentType: "text/html"}
		},
		"http 401 json": func(body, auth string) reply {
			b, _ := json.Marshal(map[string]any{"code": 1800, "message": auth + " " + body})
			return reply{Status: 401, Body: string(b)}
		},
	}
	g := spec.NewGrant("Search", "default", "books")
	calls := map[string]func(context.Context, *Client) error{
		"create user": func(ctx context.Context, c *Client) error { return c.CreateUser(ctx, "bob", password) },
		"drop user":   func(ctx context.Context, c *Client) error { return c.DropUser(ctx, "bob") },
		"grant":       func(ctx context.Context, c *Client) error { return c.GrantPrivilege(ctx, "r", g) },
		"add group": func(ctx context.Context, c *Client) error {
			return c.AddPrivilegesToGroup(ctx, "g", []string{"Search"})
		},
		"read": func(ctx context.Context, c *Client) error { _, err := c.Read(ctx); return err },
	}
	for ename, mk := range echo {
		for cname, call := range calls {
			t.Run(ename+"/"+cname, func(t *testing.T) {
				f := newFake(t)
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					endpoint := strings.TrimPrefix(r.URL.Path, BasePath+"/")
					f.on(endpoint, func(b map[string]any) reply {
						raw, _ := json.Marshal(b)
						return mk(string(raw), r.Header.Get("Authorization"))
					})
					f.ServeHTTP(w, r)
				}))
				t.Cleanup(srv.Close)
				c, err := New(Config{URI: srv.URL, Token: token})
				if err != nil {
					t.Fatal(err)
				}
				c.backoff = time.Millisecond
				err = call(testCtx(t), c)
				if err == nil {
					t.Fatal("no error")
				}
				for _, text := range []string{err.Error(), Hint(err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
					for _, s := range secrets {
						if strings.Contains(text, s) {
							t.Errorf("%q leaks %q", text, s)
						}
					}
				}
			})
		}
	}

	t.Run("transport", func(t *testing.T) {
		c, err := New(Config{URI: "http://" + closedPort(t), Token: token})
		if err != nil {
			t.Fatal(err)
		}
		c.backoff = time.Millisecond
		err = c.CreateUser(testCtx(t), "bob", password)
		for _, s := range secrets {
			if strings.Contains(err.Error(), s) || strings.Contains(Hint(err), s) {
				t.Errorf("%q leaks %q", err, s)
			}
		}
	})
}
