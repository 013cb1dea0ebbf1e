package spec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/milvus-rbac/milvus-rbac/release"
)

// problems parses src as access.yaml and returns the rendered problems, nil when it loads.
func problems(t *testing.T, src string) []string {
	t.Helper()
	_, err := Parse("access.yaml", []byte(src))
	if err == nil {
		return nil
	}
	var ps *Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want *Problems, got %T: %v", err, err)
	}
	return ps.Lines()
}

// TestParseInvalid asserts the exact messages, with file, line and path, of files that break
// one rule each (a few break several, to show that all problems come at once).
func TestParseInvalid(t *testing.T) {
	cases := map[string]struct {
		src  string
		want []string
	}{
		"version missing": {
			src:  "mode: adopt\n",
			want: []string{`access.yaml:1: version is missing: start the file with "version: 1" (known versions: 1)`},
		},
		"version unknown, nothing else checked": {
			src:  "version: 2\nmode: bogus\nextra: 1\n",
			want: []string{`access.yaml:1: version: unknown version "2" (known versions: 1)`},
		},
		"version as a string": {
			src:  "version: \"1\"\n",
			want: []string{`access.yaml:1: version: must be the number 1, not the string "1": write version: 1 without quotes`},
		},
		"previous password without password": {
			src:  "version: 1\nusers:\n  - name: alice\n    previous_password: {env: OLD}\n",
			want: []string{`access.yaml:4: users[0].previous_password: previous_password is the old password to rotate from: it needs password too`},
		},
		"previous password as a literal": {
			src:  "version: 1\nusers:\n  - name: alice\n    password: {env: NEW}\n    previous_password: hunter2\n",
			want: []string{`access.yaml:5: users[0].previous_password: a literal password is refused: passwords do not belong in the file; use {env: VAR} or {file: path}`},
		},
		"empty file": {
			src:  "# nothing yet\n",
			want: []string{`access.yaml:1: the file is empty: version is missing (known versions: 1)`},
		},
		"not a mapping": {
			src:  "- version: 1\n",
			want: []string{`access.yaml:1: the document must be a mapping with keys version, mode, password_policy, protect, privilege_groups, roles, users, variables, templates, instances`},
		},
		"invalid YAML with its line": {
			src:  "version: 1\nroles: [reader,\n",
			want: []string{`access.yaml:2: invalid YAML: did not find expected node content`},
		},
		"unquoted star": {
			src:  "version: 1\nroles:\n  - name: r\n    grants:\n      - privilege: Search\n        database: *\n",
			want: []string{`access.yaml:6: invalid YAML: an unquoted * starts a YAML alias; write "*" in quotes`},
		},
		"two documents": {
			src:  "version: 1\n---\nversion: 1\n",
			want: []string{`access.yaml:2: a spec file holds one YAML document; remove the second one (after ---)`},
		},
		"second document that does not parse": {
			src:  "version: 1\n---\nroles: [\n",
			want: []string{`access.yaml:3: a spec file holds one YAML document; remove the second one (after ---)`},
		},
		"anchor and alias": {
			src: `version: 1
roles:
  - name: r
    grants: &g
      - privilege: Search
  - name: s
    grants: *g
`,
			want: []string{
				`access.yaml:4: YAML anchors (&g) are not supported: write the value out where it is used`,
				`access.yaml:7: YAML aliases (*g) are not supported: write the value out`,
			},
		},
		"too deep": {
			src:  "version: 1\nroles: " + strings.Repeat("[", 20) + strings.Repeat("]", 20) + "\n",
			want: []string{`access.yaml:2: the YAML nesting is deeper than 16 levels; a spec file needs 6`},
		},
		"unknown top-level key with a suggestion": {
			src:  "version: 1\nrole:\n  - name: r\n",
			want: []string{`access.yaml:2: unknown key "role" (did you mean "roles"?)`},
		},
		"unknown key without a near name": {
			src:  "version: 1\nroles:\n  - name: r\n    comment: x\n",
			want: []string{`access.yaml:4: roles[0]: unknown key "comment" (known keys: name, description, grants)`},
		},
		"unknown key in a grant": {
			src:  "version: 1\nroles:\n  - name: r\n    grants:\n      - privilege: Search\n        colection: books\n",
			want: []string{`access.yaml:6: roles[0].grants[0]: unknown key "colection" (did you mean "collection"?)`},
		},
		"key twice": {
			src:  "version: 1\nmode: adopt\nmode: additive\n",
			want: []string{`access.yaml:3: key "mode" appears twice (first at line 2)`},
		},
		"unknown mode": {
			src:  "version: 1\nmode: strict\n",
			want: []string{`access.yaml:2: mode: unknown mode "strict" (known modes: additive, adopt, authoritative)`},
		},
		"unknown password policy": {
			src:  "version: 1\npassword_policy: lax\n",
			want: []string{`access.yaml:2: password_policy: unknown password policy "lax" (known policies: zilliz, milvus)`},
		},
		"bad protect pattern": {
			src: "version: 1\nprotect:\n  roles: [\"db_[\", \"\"]\n",
			want: []string{
				`access.yaml:3: protect.roles[0]: invalid pattern "db_[": syntax error in pattern (patterns use path.Match syntax: *, ?, [a-z])`,
				`access.yaml:3: protect.roles[1]: a pattern must not be empty`,
			},
		},
		"wrong types": {
			src: "version: 1\nroles:\n  - name: 123\n    grants: {privilege: Search}\nusers: alice\n",
			want: []string{
				`access.yaml:3: roles[0].name: must be a string, not a number`,
				`access.yaml:4: roles[0].grants: must be a list, not a mapping`,
				`access.yaml:5: users: must be a list, not a string`,
			},
		},
		"missing name and privilege": {
			src: "version: 1\nroles:\n  - grants:\n      - database: sales\nusers:\n  - roles: []\n",
			want: []string{
				`access.yaml:3: roles[0]: name is missing`,
				`access.yaml:4: roles[0].grants[0]: privilege is missing`,
				`access.yaml:6: users[0]: name is missing`,
			},
		},
		"user names": {
			src: `version: 1
users:
  - name: 1alice
  - name: alice.smith
  - name: abcdefghijklmnopqrstuvwxyz0123456
  - name: ""
`,
			want: []string{
				`access.yaml:3: users[0].name: user name "1alice" must start with a letter`,
				`access.yaml:4: users[1].name: user name "alice.smith" may contain only letters, digits and underscores`,
				`access.yaml:5: users[2].name: user name "abcdefghijklmnopqrstuvwxyz0123456" is 33 bytes long; at most 32 are allowed`,
				`access.yaml:6: users[3].name: user name must not be empty`,
			},
		},
		"role names": {
			src: "version: 1\nroles:\n  - name: read-only\n  - name: 9lives\n  - name: " + strings.Repeat("r", 256) + "\n",
			want: []string{
				`access.yaml:3: roles[0].name: role name "read-only" may contain only letters, digits, underscores and dollar signs`,
				`access.yaml:4: roles[1].name: role name "9lives" must start with a letter or an underscore`,
				`access.yaml:5: roles[2].name: role name "` + strings.Repeat("r", 256) + `" is 256 bytes long; at most 255 are allowed`,
			},
		},
		"group names": {
			src: `version: 1
privilege_groups:
  - name: search$only
    privileges: [Search]
  - name: Search
    privileges: [Query]
  - name: ClusterAdmin
    privileges: [Query]
`,
			want: []string{
				`access.yaml:3: privilege_groups[0].name: privilege group name "search$only" may contain only letters, digits and underscores`,
				`access.yaml:5: privilege_groups[1].name: "Search" is the name of a built-in privilege; a privilege group needs a name of its own`,
				`access.yaml:7: privilege_groups[2].name: privilege group "ClusterAdmin" is built-in, so it is protected: it is never created, changed or dropped; remove it from the file`,
			},
		},
		"group members": {
			src: `version: 1
privilege_groups:
  - name: empty
    privileges: []
  - name: nothing
  - name: bad
    privileges: [Serch, CollectionReadOnly, "*", Query, Query, empty]
`,
			want: []string{
				`access.yaml:4: privilege_groups[0].privileges: a privilege group needs at least one privilege`,
				`access.yaml:5: privilege_groups[1]: privileges is missing: a privilege group needs at least one privilege`,
				`access.yaml:7: privilege_groups[2].privileges[0]: unknown privilege "Serch" (did you mean "Search"?)`,
				`access.yaml:7: privilege_groups[2].privileges[1]: "CollectionReadOnly" is a privilege group; a group cannot contain groups: list its privileges`,
				`access.yaml:7: privilege_groups[2].privileges[2]: "*" cannot be a member of a privilege group: list the privileges`,
				`access.yaml:7: privilege_groups[2].privileges[4]: privilege "Query" is listed twice (first at line 7)`,
				`access.yaml:7: privilege_groups[2].privileges[5]: "empty" is a privilege group; a group cannot contain groups: list its privileges`,
			},
		},
		"group mixing levels": {
			src: `version: 1
privilege_groups:
  - name: mixed
    privileges:
      - Search
      - All
      - CreateCollection
      - CreateDatabase
`,
			want: []string{
				`access.yaml:5: privilege_groups[0].privileges: privileges of different levels cannot share a group (Milvus refuses it): Search is collection-level, CreateCollection is database-level, CreateDatabase is cluster-level`,
				`access.yaml:6: privilege_groups[0].privileges[1]: "All" cannot be a member of a custom privilege group (Milvus refuses it: it has no level): grant All to the role directly`,
			},
		},
		"user grant on a dotted user": {
			src: `version: 1
password_policy: milvus
roles:
  - name: r
    grants:
      - privilege: SelectUser
        user: jane.doe
`,
			want: []string{
				`access.yaml:7: roles[0].grants[0].user: Milvus cannot grant SelectUser on user "jane.doe": it checks the object of a grant as a collection name (letters, digits, _ and $); grant on user "*" or rename the user`,
			},
		},
		"unknown privilege with a suggestion": {
			src:  "version: 1\nroles:\n  - name: r\n    grants:\n      - privilege: Serch\n",
			want: []string{`access.yaml:5: roles[0].grants[0].privilege: unknown privilege "Serch" (did you mean "Search"?)`},
		},
		"unknown privilege suggests a group of the file": {
			src:  "version: 1\nprivilege_groups:\n  - name: search_only\n    privileges: [Search]\nroles:\n  - name: r\n    grants:\n      - privilege: search_onyl\n",
			want: []string{`access.yaml:8: roles[0].grants[0].privilege: unknown privilege "search_onyl" (did you mean "search_only"?)`},
		},
		"unknown privilege, wrong case": {
			src:  "version: 1\nroles:\n  - name: r\n    grants:\n      - privilege: collectionreadonly\n",
			want: []string{`access.yaml:5: roles[0].grants[0].privilege: unknown privilege "collectionreadonly" (did you mean "CollectionReadOnly"?)`},
		},
		"unknown privilege, nothing near": {
			src:  "version: 1\nroles:\n  - name: r\n    grants:\n      - privilege: Teleport\n",
			want: []string{`access.yaml:5: roles[0].grants[0].privilege: unknown privilege "Teleport"`},
		},
		"legacy v1 groups": {
			src: `version: 1
roles:
  - name: r
    grants:
      - privilege: ReadOnly
      - privilege: ReadWrite
      - privilege: Admin
`,
			want: []string{
				`access.yaml:5: roles[0].grants[0].privilege: "ReadOnly" is a v1 privilege group, usable only through the v1 API; use "CollectionReadOnly" instead`,
				`access.yaml:6: roles[0].grants[1].privilege: "ReadWrite" is a v1 privilege group, usable only through the v1 API; use "CollectionReadWrite" instead`,
				`access.yaml:7: roles[0].grants[2].privilege: "Admin" is a v1 privilege group, usable only through the v1 API; use "ClusterAdmin" instead`,
			},
		},
		"user on a privilege that is not a User privilege": {
			src:  "version: 1\nroles:\n  - name: r\n    grants:\n      - privilege: Search\n        user: bob\n",
			want: []string{`access.yaml:6: roles[0].grants[0].user: "Search" is not a User privilege: only SelectUser and UpdateUser name a user`},
		},
		"collection on a User privilege": {
			src:  "version: 1\nroles:\n  - name: r\n    grants:\n      - privilege: UpdateUser\n        collection: books\n",
			want: []string{`access.yaml:6: roles[0].grants[0].collection: "UpdateUser" is a User privilege: name a user with user:, not a collection`},
		},
		"collection on database- and cluster-level privileges and groups": {
			src: `version: 1
roles:
  - name: r
    grants:
      - privilege: CreateCollection
        collection: books
      - privilege: DatabaseReadOnly
        collection: books
      - privilege: ClusterAdmin
        collection: books
      - privilege: CreateDatabase
        collection: books
`,
			want: []string{
				`access.yaml:6: roles[0].grants[0].collection: "CreateCollection" is a database-level privilege: it applies to a whole database, so it names no collection`,
				`access.yaml:8: roles[0].grants[1].collection: "DatabaseReadOnly" is a database-level privilege group: it applies to a whole database, so it names no collection`,
				`access.yaml:10: roles[0].grants[2].collection: "ClusterAdmin" is a cluster-level privilege group: it applies to the whole cluster, so it names no collection`,
				`access.yaml:12: roles[0].grants[3].collection: "CreateDatabase" is a cluster-level privilege: it applies to the whole cluster, so it names no collection`,
			},
		},
		"cluster-level group on one database": {
			src:  "version: 1\nroles:\n  - name: r\n    grants:\n      - privilege: ClusterReadOnly\n        database: sales\n",
			want: []string{`access.yaml:6: roles[0].grants[0].database: "ClusterReadOnly" is a cluster-level privilege group: Milvus grants it only on database "*"; remove database`},
		},
		"collection-level group on every database and one collection": {
			src:  "version: 1\nroles:\n  - name: r\n    grants:\n      - privilege: CollectionReadOnly\n        database: \"*\"\n        collection: books\n",
			want: []string{`access.yaml:7: roles[0].grants[0].collection: "CollectionReadOnly" is a collection-level privilege group: on database "*" Milvus grants it only on collection "*"; name a database`},
		},
		"level rules apply to custom groups by their members": {
			src: `version: 1
privilege_groups:
  - name: db_reader
    privileges: [ShowCollections, DescribeDatabase]
  - name: ops
    privileges: [CreateDatabase, ListDatabases]
roles:
  - name: r
    grants:
      - privilege: db_reader
        collection: books
      - privilege: ops
        database: sales
`,
			want: []string{
				`access.yaml:11: roles[0].grants[0].collection: "db_reader" is a database-level privilege group: it applies to a whole database, so it names no collection`,
				`access.yaml:13: roles[0].grants[1].database: "ops" is a cluster-level privilege group: Milvus grants it only on database "*"; remove database`,
			},
		},
		"database and collection names": {
			src: `version: 1
roles:
  - name: r
    grants:
      - privilege: Search
        database: sales-eu
        collection: my-books
      - privilege: UpdateUser
        user: 1bob
`,
			want: []string{
				`access.yaml:6: roles[0].grants[0].database: database name "sales-eu" may contain only letters, digits and underscores`,
				`access.yaml:7: roles[0].grants[0].collection: collection name "my-books" may contain only letters, digits, underscores and dollar signs`,
				`access.yaml:9: roles[0].grants[1].user: user name "1bob" must start with a letter`,
			},
		},
		"duplicate grant after defaults": {
			src: `version: 1
roles:
  - name: r
    grants:
      - privilege: Search
      - privilege: Search
        database: default
        collection: "*"
      - privilege: ClusterReadOnly
        database: "*"
      - privilege: ClusterReadOnly
`,
			want: []string{
				`access.yaml:6: roles[0].grants[1]: duplicate grant: Search on default.* is already granted by roles[0].grants[0] (line 5)`,
				`access.yaml:11: roles[0].grants[3]: duplicate grant: ClusterReadOnly on *.* is already granted by roles[0].grants[2] (line 9)`,
			},
		},
		"duplicate users, roles and groups": {
			src: `version: 1
privilege_groups:
  - name: g
    privileges: [Search]
  - name: g
    privileges: [Query]
roles:
  - name: r
  - name: r
users:
  - name: u
  - name: u
`,
			want: []string{
				`access.yaml:5: privilege_groups[1].name: privilege group "g" is listed twice (first at line 3)`,
				`access.yaml:9: roles[1].name: role "r" is listed twice (first at line 8)`,
				`access.yaml:12: users[1].name: user "u" is listed twice (first at line 11)`,
			},
		},
		"user roles": {
			src: `version: 1
protect:
  roles: ["db_*"]
roles:
  - name: reader
users:
  - name: u
    roles: [reader, public, raeder, reader, db_ro, admin, nobody]
`,
			want: []string{
				`access.yaml:8: users[0].roles[1]: every user has role public implicitly; remove it`,
				`access.yaml:8: users[0].roles[2]: unknown role "raeder": define it under roles, or protect it if it exists outside this file (did you mean "reader"?)`,
				`access.yaml:8: users[0].roles[3]: role "reader" is listed twice (first at line 8)`,
				`access.yaml:8: users[0].roles[6]: unknown role "nobody": define it under roles, or protect it if it exists outside this file`,
			},
		},
		"built-in names are protected": {
			src: `version: 1
roles:
  - name: admin
  - name: public
users:
  - name: root
`,
			want: []string{
				`access.yaml:3: roles[0].name: role "admin" is built-in, so it is protected: it is never created, changed or dropped; remove it from the file`,
				`access.yaml:4: roles[1].name: role "public" is built-in, so it is protected: it is never created, changed or dropped; remove it from the file`,
				`access.yaml:6: users[0].name: user "root" is built-in, so it is protected: it is never created, changed or dropped; remove it from the file`,
			},
		},
		"names matching protect patterns": {
			src: `version: 1
protect:
  users: [db_admin]
  roles: ["db_*"]
  privilege_groups: ["team_?"]
privilege_groups:
  - name: team_a
    privileges: [Search]
roles:
  - name: db_reader
users:
  - name: db_admin
`,
			want: []string{
				`access.yaml:7: privilege_groups[0].name: privilege group "team_a" matches protect.privilege_groups pattern "team_?", so it is protected: it is never created, changed or dropped; remove it from the file or from protect`,
				`access.yaml:10: roles[0].name: role "db_reader" matches protect.roles pattern "db_*", so it is protected: it is never created, changed or dropped; remove it from the file or from protect`,
				`access.yaml:12: users[0].name: user "db_admin" matches protect.users pattern "db_admin", so it is protected: it is never created, changed or dropped; remove it from the file or from protect`,
			},
		},
		"passwords": {
			src: `version: 1
users:
  - name: a
    password: hunter2
  - name: b
    password: {env: A_PW, file: secrets/b}
  - name: c
    password: {}
  - name: d
    password: {env: "Hunter2!"}
  - name: e
    password: {file: ""}
  - name: f
    password:
  - name: g
    password: {Hunter2: x}
  - name: h
    password: [x]
`,
			want: []string{
				`access.yaml:4: users[0].password: a literal password is refused: passwords do not belong in the file; use {env: VAR} or {file: path}`,
				`access.yaml:6: users[1].password: give env or file, not both`,
				`access.yaml:8: users[2].password: must be {env: VAR} or {file: path}`,
				`access.yaml:10: users[3].password.env: must name an environment variable: letters, digits and underscores, not starting with a digit`,
				`access.yaml:12: users[4].password.file: must name a file`,
				`access.yaml:14: users[5].password: must be {env: VAR} or {file: path}, not null`,
				`access.yaml:16: users[6].password: unknown key (known keys: env, file)`,
				`access.yaml:16: users[6].password: must be {env: VAR} or {file: path}`,
				`access.yaml:18: users[7].password: must be {env: VAR} or {file: path}, not a list`,
			},
		},
		"problems of all sections sorted by line": {
			src: `version: 1
users:
  - name: 1u
    roles: [ghost]
roles:
  - name: r
    grants:
      - privilege: Serch
mode: sideways
`,
			want: []string{
				`access.yaml:3: users[0].name: user name "1u" must start with a letter`,
				`access.yaml:4: users[0].roles[0]: unknown role "ghost": define it under roles, or protect it if it exists outside this file`,
				`access.yaml:8: roles[0].grants[0].privilege: unknown privilege "Serch" (did you mean "Search"?)`,
				`access.yaml:9: mode: unknown mode "sideways" (known modes: additive, adopt, authoritative)`,
			},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got := problems(t, c.src)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPasswordNeverInMessages: whatever the shape of a mistaken password, its text never
// reaches a message.
func TestPasswordNeverInMessages(t *testing.T) {
	const secret = "S3cr3t_Pw"
	for _, src := range []string{
		"password: " + secret,
		"password: {env: " + secret + "!}",
		"password: {" + secret + ": x}",
		"password: {env: [" + secret + "]}",
		"password: [" + secret + "]",
		"password: {file: " + secret + ", env: X}",
	} {
		msgs := strings.Join(problems(t, "version: 1\nusers:\n  - name: u\n    "+src+"\n"), "\n")
		if msgs == "" {
			t.Errorf("%s: no problem reported", src)
		}
		if strings.Contains(msgs, secret) {
			t.Errorf("%s: the message shows the secret: %s", src, msgs)
		}
	}
}

func TestParseRefusesOversizedFile(t *testing.T) {
	data := []byte("version: 1\n# " + strings.Repeat("x", MaxFileSize) + "\n")
	got := problems(t, string(data))
	want := []string{`access.yaml: the file is larger than 1048576 bytes (1 MiB), the limit for a spec file`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
	path := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	var ps *Problems
	if !errors.As(err, &ps) || len(*ps) != 1 || !strings.Contains((*ps)[0].Message, "1 MiB") {
		t.Errorf("Load: want the size problem, got %v", err)
	}
}

// TestParseRefusesAliasBomb: the "billion laughs" document is refused, quickly, without
// being expanded.
func TestParseRefusesAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		b.WriteString("a")
		b.WriteString(string(rune('0' + i)))
		b.WriteString(": &a")
		b.WriteString(string(rune('0' + i)))
		b.WriteString(" [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a")
			b.WriteString(string(rune('0' + i - 1)))
		}
		b.WriteString("]\n")
	}
	start := time.Now()
	got := problems(t, b.String())
	want := []string{
		`access.yaml:2: YAML anchors (&a0) are not supported: write the value out where it is used`,
		`access.yaml:3: YAML aliases (*a0) are not supported: write the value out`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("refusing the alias bomb took %v", d)
	}
}

func TestParseCapsProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\nusers:\n")
	for i := 0; i < maxProblems+50; i++ {
		b.WriteString("  - name: 1bad\n")
	}
	got := problems(t, b.String())
	if len(got) != maxProblems+1 {
		t.Fatalf("got %d problems, want %d", len(got), maxProblems+1)
	}
	if want := "access.yaml: 50 more problems not shown"; got[maxProblems] != want {
		t.Errorf("last line %q, want %q", got[maxProblems], want)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	var ps *Problems
	if err == nil || errors.As(err, &ps) || !strings.Contains(err.Error(), "nope.yaml") {
		t.Errorf("want an I/O error naming the file, got %v", err)
	}
}

func TestGrantOfAProtectedGroup(t *testing.T) {
	sp, err := Parse("access.yaml", []byte(`version: 1
protect:
  privilege_groups: ["vendor_*"]
roles:
  - name: r
    grants:
      - privilege: vendor_readers
`))
	if err != nil {
		t.Fatalf("a grant of a protected group is refused: %v", err)
	}
	if g := sp.State.Roles["r"].Grants[0]; g != NewGrant("vendor_readers", "default", "*") {
		t.Errorf("grant %+v", g)
	}
}

// TestCheckRelease: what a release cannot store is refused with its line, naming the
// release; where only some releases of the range would refuse, the message says so.
func TestCheckRelease(t *testing.T) {
	src := `version: 1
roles:
  - name: r
    grants:
      - privilege: Search
        database: "*"
        collection: orders
      - privilege: SelectUser
        user: bob
      - privilege: Search
        database: sales
        collection: orders
      - privilege: Search
        database: "*"
`
	sp, err := Parse("access.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		r    release.Range
		want []string
	}{
		"2.5.27": {r: release.Exactly(release.V(2, 5, 27))},
		"2.6.11": {r: release.Exactly(release.V(2, 6, 11))},
		"2.6.12": {r: release.Exactly(release.V(2, 6, 12)), want: []string{
			`access.yaml:7: roles[0].grants[0].collection: Milvus 2.6.12 or later refuses this: a grant on database "*" cannot name collection "orders": the server looks the name up in a database called "*" and answers "database not found"; add database: default (or another database), or grant on collection "*"`,
			`access.yaml:9: roles[0].grants[1].user: Milvus 2.6.12 or later refuses this: a grant on database "*" cannot name user "bob": the server looks the name up in a database called "*" and answers "database not found"; add database: default (or another database), or grant on user "*"`,
		}},
		"inferred 2.6.0 to 2.6.18": {r: release.Range{Min: release.V(2, 6, 0), Max: release.V(2, 6, 18)}, want: []string{
			`access.yaml:7: roles[0].grants[0].collection: Milvus 2.6.12 or later refuses this, and the server's release is 2.6.0 to 2.6.18: a grant on database "*" cannot name collection "orders": the server looks the name up in a database called "*" and answers "database not found"; add database: default (or another database), or grant on collection "*" (if the server is older, say so with --milvus-version)`,
			`access.yaml:9: roles[0].grants[1].user: Milvus 2.6.12 or later refuses this, and the server's release is 2.6.0 to 2.6.18: a grant on database "*" cannot name user "bob": the server looks the name up in a database called "*" and answers "database not found"; add database: default (or another database), or grant on user "*" (if the server is older, say so with --milvus-version)`,
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			err := sp.CheckRelease(tc.r)
			var got []string
			if err != nil {
				var ps *Problems
				if !errors.As(err, &ps) {
					t.Fatalf("error %v is not *Problems", err)
				}
				for _, p := range *ps {
					got = append(got, p.String())
				}
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("problems (-want +got):\n%s", d)
			}
		})
	}
}

// TestCheckReleaseDottedUserNames: password_policy milvus allows "." and "-" in user names,
// which users/create refuses before 2.6.0: refused with the line, not half-way through apply.
func TestCheckReleaseDottedUserNames(t *testing.T) {
	sp, err := Parse("access.yaml", []byte(`version: 1
password_policy: milvus
users:
  - name: jane.doe
  - name: jane_doe
  - name: ci-bot
`))
	if err != nil {
		t.Fatal(err)
	}
	for r, want := range map[release.Range]string{
		release.Exactly(release.V(2, 5, 27)): `2 problems:
  - access.yaml:4: users[0].name: Milvus 2.5.27 has no user names with "." or "-"; rename the user (Milvus 2.6.0 or later has)
  - access.yaml:6: users[2].name: Milvus 2.5.27 has no user names with "." or "-"; rename the user (Milvus 2.6.0 or later has)`,
		release.Exactly(release.V(2, 6, 0)):                 "",
		{Min: release.V(2, 5, 27), Max: release.V(2, 6, 4)}: "", // the server's answer decides
	} {
		got := ""
		if err := sp.CheckRelease(r); err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("%s: %q, want %q", r, got, want)
		}
	}
}

// TestCheckReleaseGroups: custom groups need 2.4.16, built-in groups 2.4.18.
func TestCheckReleaseGroups(t *testing.T) {
	sp, err := Parse("access.yaml", []byte(`version: 1
privilege_groups:
  - name: readers
    privileges: [Search, Query]
roles:
  - name: r
    grants:
      - privilege: CollectionReadOnly
      - privilege: readers
`))
	if err != nil {
		t.Fatal(err)
	}
	for v, want := range map[string]int{"2.4.15": 2, "2.4.17": 1, "2.4.18": 0, "2.5.27": 0} {
		err := sp.CheckRelease(release.Exactly(release.MustParse(v)))
		var ps *Problems
		n := 0
		if errors.As(err, &ps) {
			n = len(*ps)
		}
		if n != want {
			t.Errorf("%s: %d problems, want %d: %v", v, n, want, err)
		}
	}
	err = sp.CheckRelease(release.Exactly(release.V(2, 4, 15)))
	for _, s := range []string{
		"access.yaml:3: privilege_groups[0].name: Milvus 2.4.15 has no custom privilege groups; list the privileges in the grants instead (Milvus 2.4.16 or later has)",
		"access.yaml:8: roles[0].grants[0].privilege: Milvus 2.4.15 has no built-in privilege groups; grant the privileges of CollectionReadOnly one by one (Milvus 2.4.18 or later has)",
	} {
		if err == nil || !strings.Contains(err.Error(), s) {
			t.Errorf("error %v lacks %q", err, s)
		}
	}
}
