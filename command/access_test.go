package command

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/access"
)

const accessTestSpec = `version: 1
mode: adopt
privilege_groups:
  - name: search_only
    privileges: [Query, Search]
roles:
  - name: writer
    grants:
      - privilege: CollectionReadWrite
        database: sales
  - name: reader
    grants:
      - privilege: search_only
        database: sales
        collection: orders
users:
  - name: user_1
    password: {env: USER_1_PASSWORD}
    roles: [reader]
  - name: user_2
    password: {env: USER_2_PASSWORD}
    roles: [writer]
  - name: boss
    password: {env: BOSS_PASSWORD}
    roles: [admin]
`

// accessTempFile writes content to name in a fresh directory and returns its path.
func accessTempFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// expectText fails t unless text holds every string of has and none of hasnt.
func expectText(t *testing.T, text string, has, hasnt []string) {
	t.Helper()
	for _, h := range has {
		if !strings.Contains(text, h) {
			t.Errorf("output lacks %q:\n%s", h, text)
		}
	}
	for _, h := range hasnt {
		if strings.Contains(text, h) {
			t.Errorf("output has %q:\n%s", h, text)
		}
	}
}

// accessRun runs a command, and reports its error on stderr as main does.
func accessRun(f func(Streams) error) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	err := f(Streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	if err != nil && !Silent(err) {
		fmt.Fprintf(&errb, "Error: %s\n", err)
	}
	return Code(err), out.String(), errb.String()
}

func TestAccessFromFile(t *testing.T) {
	file := accessTempFile(t, "access.yaml", accessTestSpec)
	cases := map[string]struct {
		opts       AccessOptions
		code       int
		has, hasnt []string // substrings of stdout (or stderr on error)
	}{
		"a user's access, grouped by target, with paths": {
			opts: AccessOptions{User: "user_1"},
			has: []string{
				"user_1 (roles: reader; every user also holds public)",
				"  sales.orders\n",
				"    Query ",
				"role reader → grant search_only on sales.orders → group search_only",
				"role public (every user) → automatic grant DescribeCollection on *.*",
			},
			hasnt: []string{"Insert"},
		},
		"who can insert into sales.orders": {
			opts: AccessOptions{Can: "Insert", On: "sales.orders"},
			has: []string{
				"Who can use Insert on sales.orders (a Collection-type privilege):",
				"  boss    role admin (passes every check)",
				"  root    root (passes every check)",
				"  user_2  role writer → grant CollectionReadWrite on sales.* → group CollectionReadWrite",
			},
			hasnt: []string{"user_1"},
		},
		"can one user": {
			opts: AccessOptions{User: "user_1", Can: "Insert", On: "sales.orders"},
			has:  []string{"user_1 cannot use Insert on sales.orders."},
		},
		"every user when none is named": {
			opts: AccessOptions{},
			has:  []string{"boss (roles: admin;", "root (roles: none;", "user_1 (roles: reader;", "user_2 (roles: writer;"},
		},
		"2.6 group contents on request": {
			opts: AccessOptions{Can: "AddCollectionField", On: "sales.orders", Connection: Connection{MilvusVersion: "2.6"}},
			has:  []string{"user_2  role writer"},
		},
		"unknown user": {
			opts: AccessOptions{User: "nobody"}, code: ExitError,
			has: []string{`Error: user "nobody" is not in`},
		},
		"a group is not a privilege to ask about": {
			opts: AccessOptions{Can: "CollectionReadOnly"}, code: ExitError,
			has: []string{"CollectionReadOnly is a privilege group; ask about one of its privileges (DescribeAlias,"},
		},
		"unknown privilege": {
			opts: AccessOptions{Can: "Serch"}, code: ExitError,
			has: []string{`--can Serch: unknown privilege (did you mean "Search"?)`},
		},
		"--on without --can": {
			opts: AccessOptions{On: "sales"}, code: ExitError,
			has: []string{"--on says where --can applies"},
		},
		"bad format": {
			opts: AccessOptions{Format: "yaml"}, code: ExitError,
			has: []string{`unknown --format "yaml": use one of text, json`},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			tc.opts.File = file
			code, out, errs := accessRun(func(s Streams) error { return Access(context.Background(), s, tc.opts) })
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errs)
			}
			text := out
			if code != ExitOK {
				text = errs
			}
			expectText(t, text, tc.has, tc.hasnt)
		})
	}
}

func TestAccessJSON(t *testing.T) {
	file := accessTempFile(t, "access.yaml", accessTestSpec)
	code, out, errs := accessRun(func(s Streams) error {
		return Access(context.Background(), s, AccessOptions{File: file, Can: "Search", On: "sales.orders", Format: "json"})
	})
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r struct {
		FormatVersion string `json:"format_version"`
		Privilege     string `json:"privilege"`
		Holders       []struct {
			User  string `json:"user"`
			Paths []struct {
				Role   string   `json:"role"`
				Groups []string `json:"groups"`
			} `json:"paths"`
		} `json:"holders"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	var users []string
	for _, h := range r.Holders {
		users = append(users, h.User)
	}
	if r.FormatVersion != access.FormatVersion || r.Privilege != "Search" || strings.Join(users, ",") != "boss,root,user_1,user_2" {
		t.Errorf("report = %+v", r)
	}
	if p := r.Holders[2].Paths[0]; p.Role != "reader" || strings.Join(p.Groups, ",") != "search_only" {
		t.Errorf("user_1's path = %+v", p)
	}
}

func TestAccessInvalidFile(t *testing.T) {
	file := accessTempFile(t, "bad.yaml", "version: 1\nroles:\n  - name: r\n    grants:\n      - privilege: Serch\n")
	code, _, errs := accessRun(func(s Streams) error { return Access(context.Background(), s, AccessOptions{File: file, User: "x"}) })
	if code != ExitError || !strings.Contains(errs, `bad.yaml:5`) {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}
