package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSecretResolve(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("secrets/alice", "Alice_pw1\n")
	write("crlf", "Crlf_pw1\r\n")
	write("two_newlines", "Two_pw1\n\n")
	write("no_newline", "Plain_pw1")
	write("empty", "\n")
	abs := write("abs/secret", "Abs_pw1\n")
	t.Setenv("SPEC_TEST_SET", "Env_pw1")
	t.Setenv("SPEC_TEST_EMPTY", "")
	os.Unsetenv("SPEC_TEST_UNSET")

	cases := map[string]struct {
		secret  Secret
		want    string
		wantErr string
	}{
		"env set":                       {secret: Secret{Env: "SPEC_TEST_SET"}, want: "Env_pw1"},
		"env unset":                     {secret: Secret{Env: "SPEC_TEST_UNSET"}, wantErr: "environment variable SPEC_TEST_UNSET is not set"},
		"env empty":                     {secret: Secret{Env: "SPEC_TEST_EMPTY"}, wantErr: "environment variable SPEC_TEST_EMPTY is empty"},
		"file relative to the spec dir": {secret: Secret{File: "secrets/alice"}, want: "Alice_pw1"},
		"file absolute":                 {secret: Secret{File: abs}, want: "Abs_pw1"},
		"file with CRLF":                {secret: Secret{File: "crlf"}, want: "Crlf_pw1"},
		"file: one newline trimmed":     {secret: Secret{File: "two_newlines"}, want: "Two_pw1\n"},
		"file without newline":          {secret: Secret{File: "no_newline"}, want: "Plain_pw1"},
		"file missing":                  {secret: Secret{File: "secrets/nobody"}, wantErr: "read secret file " + filepath.Join(dir, "secrets/nobody") + ": no such file or directory"},
		"file empty":                    {secret: Secret{File: "empty"}, wantErr: "secret file " + filepath.Join(dir, "empty") + " is empty"},
		"both":                          {secret: Secret{Env: "SPEC_TEST_SET", File: "empty"}, wantErr: "a secret names both an environment variable and a file; give one"},
		"neither":                       {secret: Secret{}, wantErr: "a secret names neither an environment variable nor a file"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := c.secret.Resolve(dir)
			if c.wantErr != "" {
				if err == nil || err.Error() != c.wantErr {
					t.Fatalf("error %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestSecretString(t *testing.T) {
	if got := (Secret{Env: "X"}).String(); got != "env X" {
		t.Errorf("got %q", got)
	}
	if got := (Secret{File: "s/x"}).String(); got != "file s/x" {
		t.Errorf("got %q", got)
	}
}

func TestCheckPassword(t *testing.T) {
	const (
		zLen     = `password of user "alice" breaks the zilliz password policy: it must be 8 to 64 characters long`
		zClasses = `password of user "alice" breaks the zilliz password policy: it must contain at least three of upper case letters, lower case letters, digits and special characters`
		mLen     = `password of user "alice" breaks the milvus password policy: it must be 6 to 72 bytes long`
	)
	cases := map[string]struct {
		policy, value, wantErr string
	}{
		"zilliz: three classes":              {PolicyZilliz, "Abcdefg1", ""},
		"zilliz: four classes":               {PolicyZilliz, "Abc-efg1", ""},
		"zilliz: upper, lower, special":      {PolicyZilliz, "Abcdefg!", ""},
		"zilliz: default policy":             {"", "Abcdefg1", ""},
		"zilliz: 7 characters":               {PolicyZilliz, "Abcde1!", zLen},
		"zilliz: 64 characters":              {PolicyZilliz, "Aa1" + strings.Repeat("x", 61), ""},
		"zilliz: 65 characters":              {PolicyZilliz, "Aa1" + strings.Repeat("x", 62), zLen},
		"zilliz: characters, not bytes":      {PolicyZilliz, "Aa1ééééé", ""},
		"zilliz: two classes":                {PolicyZilliz, "abcdefg1", zClasses},
		"zilliz: one class":                  {PolicyZilliz, "abcdefgh", zClasses},
		"milvus: 6 bytes":                    {PolicyMilvus, "abcdef", ""},
		"milvus: 5 bytes":                    {PolicyMilvus, "abcde", mLen},
		"milvus: 72 bytes":                   {PolicyMilvus, strings.Repeat("a", 72), ""},
		"milvus: 73 bytes":                   {PolicyMilvus, strings.Repeat("a", 73), mLen},
		"milvus: bytes, not characters (6é)": {PolicyMilvus, "ééé", ""},
		"milvus: 37 é are 74 bytes":          {PolicyMilvus, strings.Repeat("é", 37), mLen},
		"unknown policy":                     {"lax", "whatever", `unknown password policy "lax" (known policies: zilliz, milvus)`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			err := CheckPassword(c.policy, "alice", c.value)
			got := ""
			if err != nil {
				got = err.Error()
				if strings.Contains(got, c.value) {
					t.Errorf("the message contains the password")
				}
			}
			if got != c.wantErr {
				t.Errorf("got %q, want %q", got, c.wantErr)
			}
		})
	}
}

// TestSecretUnavailable: an unset variable and a missing file are "not here" (a plan notes
// them, apply fails on them); an empty one, or a secret naming both, is wrong wherever it runs.
func TestSecretUnavailable(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MILVUS_RBAC_TEST_EMPTY", "")
	for _, tc := range []struct {
		s    Secret
		want bool
	}{
		{Secret{Env: "MILVUS_RBAC_TEST_SURELY_UNSET"}, true},
		{Secret{File: "missing"}, true},
		{Secret{Env: "MILVUS_RBAC_TEST_EMPTY"}, false},
		{Secret{File: empty}, false},
		{Secret{Env: "A", File: "b"}, false},
	} {
		_, err := tc.s.Resolve(dir)
		if err == nil || IsUnavailable(err) != tc.want {
			t.Errorf("%+v: %v, unavailable %v, want %v", tc.s, err, IsUnavailable(err), tc.want)
		}
	}
}
