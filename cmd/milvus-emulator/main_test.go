package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
)

func TestCheckLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:19530": true,
		"127.0.0.2:1":     true,
		"[::1]:19530":     true,
		"localhost:0":     true,
		":19530":          false,
		"0.0.0.0:19530":   false,
		"10.1.2.3:19530":  false,
		"example.com:80":  false,
		"127.0.0.1":       false, // no port
	} {
		if err := checkLoopback(addr); (err == nil) != ok {
			t.Errorf("checkLoopback(%q) = %v, want ok=%v", addr, err, ok)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunServesAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--milvus-version", "2.6.19", "--builtin-roles", "db_admin, db_ro",
			"--databases", "sales:orders,customers; hr:staff", "--alias", "sales.orders_v=orders"}, &stderr)
	}()

	listening := regexp.MustCompile(`^milvus-emulator listening on (http://127\.0\.0\.1:\d+) \(Milvus 2\.6\.19, root password Milvus\)\n`)
	var url string
	for deadline := time.Now().Add(5 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := listening.FindStringSubmatch(stderr.String()); m != nil {
			url = m[1]
		}
	}
	if url == "" {
		t.Fatalf("no listening line: %q", stderr.String())
	}
	rq, _ := http.NewRequest(http.MethodPost, url+"/v2/vectordb/roles/list", strings.NewReader(`{}`))
	rq.Header.Set("Authorization", "Bearer root:Milvus")
	resp, err := http.DefaultClient.Do(rq)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != `{"code":0,"data":["admin","db_admin","db_ro","public"]}` {
		t.Errorf("roles/list: %s", body)
	}
	rq, _ = http.NewRequest(http.MethodPost, url+"/v2/vectordb/aliases/describe", strings.NewReader(`{"dbName":"sales","aliasName":"orders_v"}`))
	rq.Header.Set("Authorization", "Bearer root:Milvus")
	resp, err = http.DefaultClient.Do(rq)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != `{"code":0,"data":{"aliasName":"orders_v","collectionName":"orders","dbName":"sales"}}` {
		t.Errorf("aliases/describe: %s", body)
	}
	// roles/alter exists from 2.6.19 only: the version flag reached the server.
	rq, _ = http.NewRequest(http.MethodPost, url+"/v2/vectordb/roles/alter", strings.NewReader(`{"roleName":"db_admin"}`))
	rq.Header.Set("Authorization", "Bearer root:Milvus")
	resp, err = http.DefaultClient.Do(rq)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		t.Errorf("roles/alter: 404 on 2.6.19")
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d, stderr %q", code, stderr.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("did not stop")
	}
	if !strings.HasSuffix(stderr.String(), "milvus-emulator stopped\n") {
		t.Errorf("stderr %q", stderr.String())
	}
}

func TestRunUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--addr", "0.0.0.0:0"},
		{"--era", "E9"},
		{"--milvus-version", "2.6.x"},
		{"--milvus-version", "2.4.2"},
		{"--milvus-version", "2.5.27", "--era", "E1"},
		{"--databases", "sales:orders", "--alias", "sales.v=missing"},
		{"--alias", "nodot=orders"},
		{"extra"},
		{"--no-such-flag"},
		{"--fault-rate", "1.5"},
		{"--fault-kinds", "503,500"},
		{"--fail-nth-mutation", "-1"},
	} {
		var stderr bytes.Buffer
		if code := run(context.Background(), args, &stderr); code != 2 || stderr.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr.String())
		}
	}
}

func TestRunInjectsFaults(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--fault-rate", "1", "--fault-kinds", "503", "--fault-seed", "7"}, &stderr)
	}()
	listening := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	var url string
	for deadline := time.Now().Add(5 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := listening.FindStringSubmatch(stderr.String()); m != nil {
			url = m[1]
		}
	}
	if url == "" {
		t.Fatalf("no listening line: %q", stderr.String())
	}
	for range 2 {
		resp, err := http.Post(url+"/v2/vectordb/roles/list", "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("HTTP %d, want 503", resp.StatusCode)
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d", code)
	}
	if !strings.Contains(stderr.String(), "milvus-emulator: faults injected: 503=2\n") {
		t.Errorf("stderr %q", stderr.String())
	}
}

func TestPickVersion(t *testing.T) {
	for _, c := range []struct {
		flag, era, env string
		want           string // "" for an error
	}{
		{"", "", "", emulator.DefaultVersion.String()},
		{"2.4.18", "", "2.6.19", "2.4.18"},
		{"", "", "v2.6.4", "2.6.4"},
		{"", "e2", "2.4.18", "2.6.12"},
		{"", "E3", "", "2.6.19"},
		{"", "E1", "", "2.5.27"},
		{"", "E4", "", ""},
		{"2.6.19", "E3", "", ""},
		{"", "", "2.4.2", ""},
		{"", "", "latest", ""},
	} {
		v, err := pickVersion(c.flag, c.era, c.env)
		switch {
		case c.want == "" && err == nil:
			t.Errorf("%+v: %s, want an error", c, v)
		case c.want != "" && (err != nil || v.String() != c.want):
			t.Errorf("%+v: %s %v, want %s", c, v, err, c.want)
		}
	}
}

func TestParseDatabases(t *testing.T) {
	got, err := parseDatabases(" sales:orders, customers ; hr:staff;empty:;default:books", []string{"sales.orders_v=orders", "sales.current = orders"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]emulator.Database{
		"sales":   {Collections: []string{"orders", "customers"}, Aliases: map[string]string{"orders_v": "orders", "current": "orders"}},
		"hr":      {Collections: []string{"staff"}, Aliases: map[string]string{}},
		"empty":   {Aliases: map[string]string{}},
		"default": {Collections: []string{"books"}, Aliases: map[string]string{}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	for _, bad := range []struct {
		spec    string
		aliases []string
	}{
		{"*:x", nil},
		{":x", nil},
		{"a:x;a:y", nil},
		{"a:x", []string{"a.x=x"}},
		{"a:x", []string{"a.y=z"}},
		{"a:x", []string{"b.y=x"}},
		{"a:x", []string{"a.y"}},
	} {
		if _, err := parseDatabases(bad.spec, bad.aliases); err == nil {
			t.Errorf("%q %q: no error", bad.spec, bad.aliases)
		}
	}
}

func TestRunEraIsDeprecated(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--era", "E3"}, &stderr) }()
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(stderr.String(), "listening") && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d", code)
	}
	for _, want := range []string{"--era is deprecated; use --milvus-version 2.6.19\n", "(Milvus 2.6.19, root password Milvus)"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q: %q", want, stderr.String())
		}
	}
}
