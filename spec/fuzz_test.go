package spec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzParse feeds arbitrary bytes to Parse. It must never panic; a refusal must be a
// non-empty, bounded *Problems, each naming the file; and whatever it accepts must survive
// Marshal and Parse unchanged (Encode promises Parse(Encode(s)) gives s.State back). The
// seed corpus is every spec file of testdata and examples, the adversarial inputs below, and
// testdata/fuzz/FuzzParse; make fuzz explores further.
func FuzzParse(f *testing.F) {
	var files []string
	for _, pattern := range []string{"testdata/valid/*.yaml", "testdata/invalid/*.yaml", "../examples/*.yaml"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		files = append(files, m...)
	}
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"",
		"version: 1\n",
		"version: 1\n---\nversion: 1\n",
		"version: 1\nroles: &a [*a]\n",
		"version: 1\na: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n",
		"version: 1\nusers:\n  - name: alice\n    password: {env: A}\n    roles: [r]\nroles:\n  - name: r\n    grants:\n      - privilege: Search\n        collection: c\n",
		"version: 1\nroles: " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n",
		"version: 1\nroles:\n  - name: r\n    grants:\n      - {privilege: Load, database: d, collection: \"*\"}\n",
		"version: 1\nprivilege_groups:\n  - name: g\n    privileges: [Query, Search]\nroles:\n  - name: r\n    grants: [{privilege: g}]\n",
		"version: 1\nmode: authoritative\nprotect:\n  users: [svc_*]\n",
		"\xef\xbb\xbfversion: 1\n",
		"version: !!binary aGVsbG8=\n",
		"version: 1\nusers: {name: x}\n",
		"version: 1\n\tusers: []\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("fuzz.yaml", data)
		if err != nil {
			var probs *Problems
			if !errors.As(err, &probs) {
				t.Fatalf("error %T is not *Problems: %v", err, err)
			}
			if len(*probs) == 0 || len(*probs) > maxProblems+1 {
				t.Fatalf("%d problems", len(*probs))
			}
			for _, p := range *probs {
				if p.File != "fuzz.yaml" || p.Message == "" {
					t.Fatalf("problem %+v does not name the file or says nothing", p)
				}
			}
			return
		}
		if s == nil || s.State == nil {
			t.Fatal("Parse accepted the file but returned no state")
		}
		out, err := Marshal(s)
		if err != nil {
			t.Fatalf("Marshal of an accepted file: %v", err)
		}
		back, err := Parse("fuzz.yaml", out)
		if err != nil {
			t.Fatalf("Parse refuses what Marshal wrote of an accepted file:\n%s\n--- error\n%v\n--- input\n%q", out, err, data)
		}
		if d := cmp.Diff(s.State, back.State); d != "" {
			t.Fatalf("the state changed through Marshal and Parse (-parsed +reparsed):\n%s\n--- input\n%q", d, data)
		}
		if s.Mode != back.Mode || !cmp.Equal(s.Protect, back.Protect) {
			t.Fatalf("mode or protect changed: %v %+v -> %v %+v", s.Mode, s.Protect, back.Mode, back.Protect)
		}
	})
}
