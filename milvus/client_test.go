package milvus

import (
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/milvus-rbac/milvus-rbac/spec"
)

func TestNew(t *testing.T) {
	tests := map[string]struct {
		cfg      Config
		wantURI  string
		wantUser string
		wantErr  string // substring; "" means success
		secret   string // must not appear in the error
	}{
		"default":              {cfg: Config{}, wantURI: "http://localhost:19530"},
		"https with path":      {cfg: Config{URI: "https://in01.example.com/milvus/"}, wantURI: "https://in01.example.com/milvus"},
		"base path dropped":    {cfg: Config{URI: "http://h:19530/v2/vectordb/"}, wantURI: "http://h:19530"},
		"upper-case scheme":    {cfg: Config{URI: "HTTP://h:19530"}, wantURI: "http://h:19530"},
		"user:password token":  {cfg: Config{Token: "root:Milvus"}, wantURI: "http://localhost:19530", wantUser: "root"},
		"password with colons": {cfg: Config{Token: "bob:a:b:c"}, wantURI: "http://localhost:19530", wantUser: "bob"},
		"api key":              {cfg: Config{Token: "ak-0123456789"}, wantURI: "http://localhost:19530"},
		"userinfo": {cfg: Config{URI: "http://root:Hunter2pw@h:19530"},
			wantErr: "put user:password or an API key in MILVUS_TOKEN", secret: "Hunter2pw"},
		"unparsable userinfo": {cfg: Config{URI: "http://root:pa/ss@h:19530"},
			wantErr: "MILVUS_TOKEN", secret: "pa/ss"},
		"no scheme":          {cfg: Config{URI: "root:Hunter2pw@h:19530"}, wantErr: "no scheme", secret: "Hunter2pw"},
		"grpc scheme":        {cfg: Config{URI: "tcp://h:19530"}, wantErr: `scheme "tcp" is not supported`},
		"no host":            {cfg: Config{URI: "http://"}, wantErr: "no host"},
		"query":              {cfg: Config{URI: "http://h:19530/?token=Hunter2pw"}, wantErr: "query", secret: "Hunter2pw"},
		"negative timeout":   {cfg: Config{Timeout: -time.Second}, wantErr: "timeout"},
		"negative conc":      {cfg: Config{Concurrency: -1}, wantErr: "concurrency"},
		"token with newline": {cfg: Config{Token: "root:Hunter2pw\n"}, wantErr: "control character", secret: "Hunter2pw"},
		"missing ca file": {cfg: Config{URI: "https://h", CACertFile: filepath.Join(t.TempDir(), "nope.pem")},
			wantErr: "read ca cert"},
		"ca file ignored for http": {cfg: Config{URI: "http://h", CACertFile: "/nonexistent.pem"}, wantURI: "http://h"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c, err := New(tc.cfg)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("New: err = %v, want one containing %q", err, tc.wantErr)
				}
				if tc.secret != "" && strings.Contains(err.Error(), tc.secret) {
					t.Fatalf("New: error %q leaks the secret", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if c.URI() != tc.wantURI {
				t.Errorf("URI() = %q, want %q", c.URI(), tc.wantURI)
			}
			if c.User() != tc.wantUser {
				t.Errorf("User() = %q, want %q", c.User(), tc.wantUser)
			}
		})
	}
}

func TestNewCACertNotPEM(t *testing.T) {
	f := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(f, []byte("not a certificate"), 0o600)
	if _, err := New(Config{URI: "https://h", CACertFile: f}); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Fatalf("New: err = %v, want no PEM certificate", err)
	}
}

// TestCACert checks that an https server whose CA is not a system root fails with the
// --ca-cert hint, and works once the CA is given.
func TestCACert(t *testing.T) {
	srv := newTLSServer(t, newFake(t).always("users/list", ok(`["root"]`)))

	c, err := New(Config{URI: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.listNames(testCtx(t), "users/list")
	if err == nil || !strings.Contains(Hint(err), "--ca-cert") {
		t.Fatalf("err = %v, hint %q; want a hint naming --ca-cert", err, Hint(err))
	}

	caFile := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = New(Config{URI: srv.URL, CACertFile: caFile})
	if err != nil {
		t.Fatal(err)
	}
	names, err := c.listNames(testCtx(t), "users/list")
	if err != nil || len(names) != 1 {
		t.Fatalf("with --ca-cert: names %v, err %v", names, err)
	}
}

func TestHeaders(t *testing.T) {
	f := newFake(t).always("roles/create", okEmpty)
	c := f.start(Config{Token: "root:Milvus", Timeout: 1500 * time.Millisecond, UserAgent: "milvus-rbac/test"})
	if err := c.CreateRole(testCtx(t), "r"); err != nil {
		t.Fatal(err)
	}
	r := f.requests()[0]
	want := map[string]string{
		"Authorization":   "Bearer root:Milvus",
		"Content-Type":    "application/json",
		"Accept":          "application/json",
		"Request-Timeout": "2",
		"User-Agent":      "milvus-rbac/test",
	}
	if r.Method != http.MethodPost {
		t.Errorf("method %s, want POST", r.Method)
	}
	for k, v := range want {
		if got := r.Header.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}

	// No token: no Authorization header; defaults for the rest.
	f2 := newFake(t).always("roles/create", okEmpty)
	c2 := f2.start(Config{})
	if err := c2.CreateRole(testCtx(t), "r"); err != nil {
		t.Fatal(err)
	}
	h := f2.requests()[0].Header
	if _, ok := h["Authorization"]; ok {
		t.Errorf("Authorization sent without a token: %q", h.Get("Authorization"))
	}
	if h.Get("Request-Timeout") != "30" || h.Get("User-Agent") != DefaultUserAgent {
		t.Errorf("defaults: Request-Timeout %q, User-Agent %q", h.Get("Request-Timeout"), h.Get("User-Agent"))
	}
}

// TestMutations checks the path and the exact body of every mutation, and that each makes
// exactly one call.
func TestMutations(t *testing.T) {
	search := spec.NewGrant("Search", "sales", "orders")
	group := spec.NewGrant("ClusterReadOnly", "*", "*")
	tests := map[string]struct {
		do       func(context.Context, *Client) error
		endpoint string
		body     string
	}{
		"create user": {func(ctx context.Context, c *Client) error { return c.CreateUser(ctx, "alice", "Pa55word!") },
			"users/create", `{"userName":"alice","password":"Pa55word!"}`},
		"drop user": {func(ctx context.Context, c *Client) error { return c.DropUser(ctx, "alice") },
			"users/drop", `{"userName":"alice"}`},
		"grant role": {func(ctx context.Context, c *Client) error { return c.GrantRole(ctx, "alice", "reader") },
			"users/grant_role", `{"userName":"alice","roleName":"reader"}`},
		"revoke role": {func(ctx context.Context, c *Client) error { return c.RevokeRole(ctx, "alice", "reader") },
			"users/revoke_role", `{"userName":"alice","roleName":"reader"}`},
		"create role": {func(ctx context.Context, c *Client) error { return c.CreateRole(ctx, "reader") },
			"roles/create", `{"roleName":"reader"}`},
		"drop role": {func(ctx context.Context, c *Client) error { return c.DropRole(ctx, "reader") },
			"roles/drop", `{"roleName":"reader"}`},
		"grant privilege": {func(ctx context.Context, c *Client) error { return c.GrantPrivilege(ctx, "reader", search) },
			"roles/grant_privilege_v2", `{"roleName":"reader","privilege":"Search","dbName":"sales","collectionName":"orders"}`},
		"revoke privilege": {func(ctx context.Context, c *Client) error { return c.RevokePrivilege(ctx, "reader", search) },
			"roles/revoke_privilege_v2", `{"roleName":"reader","privilege":"Search","dbName":"sales","collectionName":"orders"}`},
		"grant group": {func(ctx context.Context, c *Client) error { return c.GrantPrivilege(ctx, "reader", group) },
			"roles/grant_privilege_v2", `{"roleName":"reader","privilege":"ClusterReadOnly","dbName":"*","collectionName":"*"}`},
		"create group": {func(ctx context.Context, c *Client) error { return c.CreatePrivilegeGroup(ctx, "g1") },
			"privilege_groups/create", `{"privilegeGroupName":"g1"}`},
		"drop group": {func(ctx context.Context, c *Client) error { return c.DropPrivilegeGroup(ctx, "g1") },
			"privilege_groups/drop", `{"privilegeGroupName":"g1"}`},
		"add to group": {func(ctx context.Context, c *Client) error {
			return c.AddPrivilegesToGroup(ctx, "g1", []string{"Query", "Search"})
		}, "privilege_groups/add_privileges_to_group", `{"privilegeGroupName":"g1","privileges":["Query","Search"]}`},
		"remove from group": {func(ctx context.Context, c *Client) error {
			return c.RemovePrivilegesFromGroup(ctx, "g1", []string{"Search"})
		}, "privilege_groups/remove_privileges_from_group", `{"privilegeGroupName":"g1","privileges":["Search"]}`},
		"add nothing": {func(ctx context.Context, c *Client) error { return c.AddPrivilegesToGroup(ctx, "g1", nil) },
			"privilege_groups/add_privileges_to_group", `{"privilegeGroupName":"g1","privileges":[]}`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t).always(tc.endpoint, okEmpty)
			c := f.start(Config{Token: "root:Milvus"})
			if err := tc.do(testCtx(t), c); err != nil {
				t.Fatalf("err = %v", err)
			}
			reqs := f.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d calls (%v), want 1", len(reqs), f.endpoints())
			}
			if reqs[0].Body != tc.body {
				t.Errorf("body\n got %s\nwant %s", reqs[0].Body, tc.body)
			}
		})
	}
}

func TestMutationErrorUnchanged(t *testing.T) {
	f := newFake(t).always("users/create", fail(65535, "user already exists: bob"))
	c := f.start(Config{})
	err := c.CreateUser(testCtx(t), "bob", "Pa55word!")
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %#v, want *APIError", err)
	}
	want := &APIError{Endpoint: "users/create", HTTPStatus: 200, Code: 65535, Message: "user already exists: bob"}
	if *ae != *want {
		t.Errorf("err = %+v, want %+v", *ae, *want)
	}
	if got := err.Error(); got != "users/create: code 65535: user already exists: bob" {
		t.Errorf("Error() = %q", got)
	}
	if !IsAlreadyExists(err) || IsNotFound(err) {
		t.Errorf("IsAlreadyExists %v, IsNotFound %v", IsAlreadyExists(err), IsNotFound(err))
	}
}

func TestMutationConcurrencyBound(t *testing.T) {
	f := newFake(t).always("roles/create", reply{Body: `{"code":0,"data":{}}`, Delay: 20 * time.Millisecond})
	c := f.start(Config{Concurrency: 3})
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Go(func() {
			if err := c.CreateRole(testCtx(t), fmt.Sprintf("r%d", i)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if m := f.maxInFlight(); m > 3 || m < 2 {
		t.Errorf("max in flight %d, want 2..3", m)
	}
	if n := len(f.requests()); n != 12 {
		t.Errorf("%d calls, want 12", n)
	}
}

// TestGrantV1Fallback: a server without grant_privilege_v2 answers 404 once; the client then
// uses v1 for every grant and revoke and never asks v2 again.
func TestGrantV1Fallback(t *testing.T) {
	f := newFake(t).
		always("roles/grant_privilege_v2", notFound).
		always("roles/revoke_privilege_v2", notFound).
		always("roles/grant_privilege", okEmpty).
		always("roles/revoke_privilege", okEmpty)
	c := f.start(Config{})
	ctx := testCtx(t)
	search := spec.NewGrant("Search", "default", "books")
	create := spec.NewGrant("CreateCollection", "*", "*")
	if !c.Features().GrantV2 {
		t.Fatal("GrantV2 false before any call")
	}
	for _, step := range []func() error{
		func() error { return c.GrantPrivilege(ctx, "r", search) },
		func() error { return c.GrantPrivilege(ctx, "r", create) },
		func() error { return c.RevokePrivilege(ctx, "r", search) },
		func() error { return c.GrantPrivilege(ctx, "r", spec.NewGrant("ReadOnly", "default", "*")) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"roles/grant_privilege_v2", "roles/grant_privilege", "roles/grant_privilege",
		"roles/revoke_privilege", "roles/grant_privilege"}
	if got := f.endpoints(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("calls\n got %v\nwant %v", got, want)
	}
	if c.Features().GrantV2 {
		t.Error("GrantV2 still true after a 404")
	}
	wantV1 := []string{
		`{"roleName":"r","objectType":"Collection","objectName":"*","privilege":"ReadOnly","dbName":"default"}`,
		`{"roleName":"r","objectType":"Collection","objectName":"books","privilege":"Search","dbName":"default"}`,
		`{"roleName":"r","objectType":"Global","objectName":"*","privilege":"CreateCollection","dbName":"*"}`,
	}
	if got := f.bodies("roles/grant_privilege"); strings.Join(got, "\n") != strings.Join(wantV1, "\n") {
		t.Errorf("v1 bodies\n got %v\nwant %v", got, wantV1)
	}
}

// TestGrantV1FallbackConcurrent: many grants at once on an old server each end in exactly
// one v1 call, and after the first 404 no v2 call is made.
func TestGrantV1FallbackConcurrent(t *testing.T) {
	f := newFake(t).
		always("roles/grant_privilege_v2", notFound).
		always("roles/grant_privilege", okEmpty)
	c := f.start(Config{Concurrency: 4})
	ctx := testCtx(t)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if err := c.GrantPrivilege(ctx, "r", spec.NewGrant("Search", "default", fmt.Sprintf("c%d", i))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	n := f.counts()
	if n["roles/grant_privilege"] != 20 || n["roles/grant_privilege_v2"] < 1 || n["roles/grant_privilege_v2"] > 4 {
		t.Errorf("calls %v: want 20 v1 and 1..4 (at most one per slot) v2", n)
	}
	before := n["roles/grant_privilege_v2"]
	if err := c.GrantPrivilege(ctx, "r", spec.NewGrant("Query", "default", "x")); err != nil {
		t.Fatal(err)
	}
	if f.counts()["roles/grant_privilege_v2"] != before {
		t.Error("v2 asked again after the fallback was learned")
	}
}

// TestGroupGrantOnOldServer: built-in and custom groups cannot go through v1.
func TestGroupGrantOnOldServer(t *testing.T) {
	f := newFake(t).
		always("roles/grant_privilege_v2", notFound).
		always("roles/revoke_privilege_v2", notFound)
	c := f.start(Config{})
	ctx := testCtx(t)

	// The first call learns it from the 404 and does not try v1.
	err := c.GrantPrivilege(ctx, "r", spec.NewGrant("ClusterReadOnly", "*", "*"))
	var fe *FeatureError
	if !errors.As(err, &fe) || fe.Feature != FeatureGrantV2 || !is404(err) {
		t.Fatalf("err = %v, want a *FeatureError wrapping the 404", err)
	}
	for _, s := range []string{"ClusterReadOnly", `role "r"`, "grant_privilege_v2", "2.4.18", "2.5.0"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not name %q", err, s)
		}
	}
	if h := Hint(err); !strings.Contains(h, "2.4.18") {
		t.Errorf("hint %q", h)
	}
	// Later calls fail without a call: a custom group (unknown to the catalogue) and a revoke.
	for _, g := range []spec.Grant{spec.NewGrant("my_group", "default", "*"), spec.NewGrant("CollectionAdmin", "default", "*")} {
		if err := c.RevokePrivilege(ctx, "r", g); !errors.As(err, &fe) || !strings.Contains(err.Error(), "revoke privilege group") {
			t.Errorf("revoke %s: err = %v, want a *FeatureError", g.Privilege, err)
		}
	}
	if got := f.endpoints(); len(got) != 1 {
		t.Errorf("calls %v, want only the first v2", got)
	}
}

// TestPrivilegeGroupsMissing: a 404 on privilege_groups/* becomes a *FeatureError, and later
// group calls fail without a call.
func TestPrivilegeGroupsMissing(t *testing.T) {
	f := newFake(t).always("privilege_groups/create", notFound)
	c := f.start(Config{})
	ctx := testCtx(t)
	err := c.CreatePrivilegeGroup(ctx, "g1")
	var fe *FeatureError
	if !errors.As(err, &fe) || fe.Feature != FeaturePrivilegeGroups {
		t.Fatalf("err = %v, want *FeatureError", err)
	}
	for _, s := range []string{`"g1"`, "privilege groups", "2.4.16", "2.5.0"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not name %q", err, s)
		}
	}
	if err := c.AddPrivilegesToGroup(ctx, "g1", []string{"Query"}); !errors.As(err, &fe) {
		t.Errorf("add: err = %v, want *FeatureError", err)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
	if c.Features().PrivilegeGroups {
		t.Error("Features().PrivilegeGroups still true")
	}
}

// TestPrintingHidesToken: printing a Config or a Client never shows the token.
func TestPrintingHidesToken(t *testing.T) {
	cfg := Config{Token: "root:Hunter2pw"}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg),
		fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c),
	} {
		if strings.Contains(s, "Hunter2pw") {
			t.Errorf("printed %q", s)
		}
	}
}
