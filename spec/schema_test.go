package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/milvus-rbac/milvus-rbac/schematest"
	"gopkg.in/yaml.v3"

	"github.com/milvus-rbac/milvus-rbac/privilege"
)

var update = flag.Bool("update", false, "rewrite ../schema.json from the privilege catalogue and the loader's rules")

const schemaPath = "../schema.json"

// obj is a JSON object that keeps its keys in the order written, so that schema.json reads
// top-down: what a key is before what it contains.
type obj []kv

type kv struct {
	k string
	v any
}

func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(e.k)
		v, err := json.Marshal(e.v)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func namesWhere(names []string, keep func(string) bool) []string {
	var out []string
	for _, n := range names {
		if keep(n) {
			out = append(out, n)
		}
	}
	return out
}

func anyName(pattern string, maxLen int) obj {
	return obj{{"anyOf", []any{
		obj{{"const", "*"}},
		obj{{"type", "string"}, {"pattern", pattern}, {"maxLength", maxLen}},
	}}}
}

func nullable(t string) []string { return []string{t, "null"} }

// generateSchema builds schema.json from the same facts the loader uses: the privilege
// catalogue and the name patterns of names.go. The loader checks more than a schema can
// (references between sections, levels of custom groups, duplicates of grants); the schema
// is what an editor can check and complete while the file is typed.
func generateSchema() ([]byte, error) {
	names := privilege.Names()
	grantable := append([]string{privilege.Wildcard}, namesWhere(names, func(n string) bool { return !privilege.IsLegacyGroup(n) })...)
	singles := privilege.Singles()
	userPrivs := privilege.NamesOf(privilege.ObjectUser)
	noCollection := namesWhere(grantable, func(n string) bool {
		l := privilege.LevelOf(n)
		return l == privilege.LevelDatabase || l == privilege.LevelCluster
	})
	groupsAt := func(l privilege.Level) []string {
		return namesWhere(privilege.BuiltinGroups, func(n string) bool { return privilege.GroupLevel(n) == l })
	}
	slices.Sort(userPrivs)
	modes := make([]string, len(Modes))
	for i, m := range Modes {
		modes[i] = string(m)
	}
	patterns := obj{{"type", nullable("array")}, {"items", obj{{"type", "string"}, {"minLength", 1}}}}

	grant := obj{
		{"type", "object"},
		{"description", "One privilege of the role. database defaults to \"default\" (\"*\" for cluster-level privileges and groups); collection and user default to \"*\"."},
		{"additionalProperties", false},
		{"required", []string{"privilege"}},
		{"properties", obj{
			{"privilege", obj{
				{"description", "A privilege, a built-in privilege group or a privilege group of this file. The v1 groups ReadOnly, ReadWrite and Admin are refused: use CollectionReadOnly, CollectionReadWrite, ClusterAdmin."},
				{"anyOf", []any{
					obj{{"enum", grantable}},
					obj{{"type", "string"}, {"pattern", groupNamePattern}, {"maxLength", maxNameLen}},
				}},
				{"not", obj{{"enum", privilege.LegacyGroups}}},
			}},
			{"database", anyName(databaseNamePattern, maxNameLen)},
			{"collection", anyName(collectionNamePattern, maxNameLen)},
			{"user", anyName(userNamePatternMilvus, maxUserNameLen)},
		}},
		{"allOf", []any{
			obj{
				{"if", obj{{"properties", obj{{"privilege", obj{{"enum", userPrivs}}}}}, {"required", []string{"privilege"}}}},
				{"then", obj{{"properties", obj{{"collection", false}, {"user", anyName(collectionNamePattern, maxUserNameLen)}}}}},
				{"else", obj{{"properties", obj{{"user", false}}}}},
			},
			obj{
				{"if", obj{{"properties", obj{{"privilege", obj{{"enum", noCollection}}}}}, {"required", []string{"privilege"}}}},
				{"then", obj{{"properties", obj{{"collection", obj{{"const", "*"}}}}}}},
			},
			obj{
				{"if", obj{{"properties", obj{{"privilege", obj{{"enum", groupsAt(privilege.LevelCluster)}}}}}, {"required", []string{"privilege"}}}},
				{"then", obj{{"properties", obj{{"database", obj{{"const", "*"}}}}}}},
			},
			obj{
				{"if", obj{
					{"properties", obj{{"privilege", obj{{"enum", groupsAt(privilege.LevelCollection)}}}, {"database", obj{{"const", "*"}}}}},
					{"required", []string{"privilege", "database"}},
				}},
				{"then", obj{{"properties", obj{{"collection", obj{{"const", "*"}}}}}}},
			},
		}},
	}
	// Under the default zilliz policy user names follow the Zilliz Cloud rule, stricter than
	// the base patterns (which allow the dots and hyphens of Milvus 2.6).
	zillizUser := obj{{"anyOf", []any{obj{{"const", "*"}}, obj{{"pattern", userNamePattern}}}}}
	grantUser := obj{{"items", obj{{"properties", obj{{"user", zillizUser}}}}}}
	roleGrants := obj{{"items", obj{{"properties", obj{{"grants", grantUser}}}}}}
	userName := obj{{"items", obj{{"properties", obj{{"name", obj{{"pattern", userNamePattern}}}}}}}}
	zillizNames := obj{{"properties", obj{{"users", userName}, {"roles", roleGrants}}}}

	schema := obj{
		{"$schema", "https://json-schema.org/draft/2020-12/schema"},
		{"$id", SchemaID},
		{"title", "milvus-rbac spec file"},
		{"description", "Users, roles, grants and privilege groups of a Milvus or Zilliz Cloud cluster. Generated by spec/schema_test.go (go test ./spec -run TestSchemaUpToDate -update); do not edit by hand."},
		{"type", "object"},
		{"additionalProperties", false},
		{"required", []string{"version"}},
		{"properties", obj{
			{"version", obj{{"description", "The version of the file format."}, {"enum", KnownVersions}}},
			{"mode", obj{{"description", "additive: create and grant only. adopt: make listed objects match, leave unlisted ones alone. authoritative: also drop unlisted users, roles and groups."}, {"enum", modes}, {"default", string(ModeAdopt)}}},
			{"password_policy", obj{{"description", "zilliz: 8 to 64 characters with three of upper case, lower case, digits, special characters; user names of letters, digits, underscores. milvus: 6 to 72 bytes; user names may also hold dots and hyphens (Milvus 2.6+)."}, {"enum", PasswordPolicies}, {"default", PolicyZilliz}}},
			{"protect", obj{
				{"description", "Glob patterns (path.Match) of names no plan creates, changes or drops, beside the built-ins root, admin, public and the built-in groups."},
				{"type", nullable("object")},
				{"additionalProperties", false},
				{"properties", obj{{"users", patterns}, {"roles", patterns}, {"privilege_groups", patterns}}},
			}},
			{"privilege_groups", obj{{"type", nullable("array")}, {"items", obj{{"$ref", "#/$defs/privilege_group"}}}}},
			{"roles", obj{{"type", nullable("array")}, {"items", obj{{"$ref", "#/$defs/role"}}}}},
			{"users", obj{{"type", nullable("array")}, {"items", obj{{"$ref", "#/$defs/user"}}}}},
			{"variables", obj{
				{"description", "Named lists of strings for instances (databases: {var: NAME}); a targets file may set them per cluster."},
				{"type", nullable("object")},
				{"additionalProperties", obj{{"type", "array"}, {"items", obj{{"type", "string"}}}}},
			}},
			{"templates", obj{
				{"description", "Role patterns declared once; their strings may use {db} and {collection}, replaced by each instance."},
				{"type", nullable("array")}, {"items", obj{{"$ref", "#/$defs/template"}}},
			}},
			{"instances", obj{
				{"description", "Each makes the roles of a template once per database (and collection)."},
				{"type", nullable("array")}, {"items", obj{{"$ref", "#/$defs/instance"}}},
			}},
		}},
		// The Zilliz Cloud user-name rule is the default; password_policy: milvus relaxes it.
		{"if", obj{{"properties", obj{{"password_policy", obj{{"const", PolicyMilvus}}}}}, {"required", []string{"password_policy"}}}},
		{"else", zillizNames},
		{"$defs", obj{
			{"privilege_group", obj{
				{"type", "object"},
				{"additionalProperties", false},
				{"required", []string{"name", "privileges"}},
				{"properties", obj{
					{"name", obj{{"type", "string"}, {"pattern", groupNamePattern}, {"maxLength", maxNameLen}, {"not", obj{{"enum", names}}}}},
					{"description", obj{{"description", "Documentation; kept by Milvus 2.6.19 and later for users and roles, compared there; elsewhere, and for privilege groups, documentation only."}, {"type", "string"}, {"maxLength", MaxDescription}}},
					{"privileges", obj{
						{"description", "Single privileges, all of one level (collection, database or cluster)."},
						{"type", "array"}, {"minItems", 1}, {"uniqueItems", true}, {"items", obj{{"enum", singles}}},
					}},
				}},
			}},
			{"role", obj{
				{"type", "object"},
				{"additionalProperties", false},
				{"required", []string{"name"}},
				{"properties", obj{
					{"name", obj{{"type", "string"}, {"pattern", roleNamePattern}, {"maxLength", maxNameLen}, {"not", obj{{"enum", []string{AdminRole, PublicRole}}}}}},
					{"description", obj{{"description", "Documentation; kept by Milvus 2.6.19 and later for users and roles, compared there; elsewhere, and for privilege groups, documentation only."}, {"type", "string"}, {"maxLength", MaxDescription}}},
					{"grants", obj{{"type", nullable("array")}, {"items", obj{{"$ref", "#/$defs/grant"}}}}},
				}},
			}},
			{"grant", grant},
			{"template", obj{
				{"type", "object"},
				{"additionalProperties", false},
				{"required", []string{"name", "roles"}},
				{"properties", obj{
					{"name", obj{{"type", "string"}}},
					{"description", obj{{"type", "string"}}},
					{"roles", obj{{"type", "array"}, {"items", obj{
						{"description", "A role as under roles, whose strings may use {db} and {collection}; checked once expanded."},
						{"type", "object"},
						{"additionalProperties", false},
						{"required", []string{"name"}},
						{"properties", obj{
							{"name", obj{{"type", "string"}}},
							{"description", obj{{"type", "string"}}},
							{"grants", obj{{"type", nullable("array")}, {"items", obj{
								{"type", "object"},
								{"additionalProperties", false},
								{"required", []string{"privilege"}},
								{"properties", obj{{"privilege", obj{{"type", "string"}}}, {"database", obj{{"type", "string"}}}, {"collection", obj{{"type", "string"}}}, {"user", obj{{"type", "string"}}}}},
							}}}},
						}},
					}}}},
				}},
			}},
			{"instance", obj{
				{"type", "object"},
				{"additionalProperties", false},
				{"required", []string{"template"}},
				{"properties", obj{
					{"template", obj{{"description", "The name of a template."}, {"type", "string"}}},
					{"databases", obj{{"description", "The databases {db} takes, or {var: NAME}."}, {"$ref", "#/$defs/values"}}},
					{"collections", obj{{"description", "The collections {collection} takes, or {var: NAME}."}, {"$ref", "#/$defs/values"}}},
				}},
			}},
			{"values", obj{{"oneOf", []any{
				obj{{"type", "array"}, {"minItems", 1}, {"uniqueItems", true}, {"items", obj{{"type", "string"}, {"minLength", 1}}}},
				obj{{"type", "object"}, {"additionalProperties", false}, {"required", []string{"var"}}, {"properties", obj{{"var", obj{{"type", "string"}}}}}},
			}}}},
			{"user", obj{
				{"type", "object"},
				{"additionalProperties", false},
				{"required", []string{"name"}},
				{"dependentRequired", obj{{"previous_password", []string{"password"}}}},
				{"properties", obj{
					{"name", obj{{"type", "string"}, {"pattern", userNamePatternMilvus}, {"maxLength", maxUserNameLen}, {"not", obj{{"const", RootUser}}}}},
					{"description", obj{{"description", "Documentation; kept by Milvus 2.6.19 and later for users and roles, compared there; elsewhere, and for privilege groups, documentation only."}, {"type", "string"}, {"maxLength", MaxDescription}}},
					{"password", obj{{"$ref", "#/$defs/secret"}}},
					{"previous_password", obj{
						{"description", "The current password on the cluster, to rotate from when password changes: Milvus needs the old password. Used with plan --check-passwords."},
						{"$ref", "#/$defs/secret"},
					}},
					{"roles", obj{
						{"description", "Roles of this file, admin, or protected roles. public is implicit and not listed."},
						{"type", nullable("array")}, {"uniqueItems", true},
						{"items", obj{{"type", "string"}, {"pattern", roleNamePattern}, {"maxLength", maxNameLen}, {"not", obj{{"const", PublicRole}}}}},
					}},
				}},
			}},
			{"secret", obj{
				{"description", "Where the password comes from; a literal password is refused. Needed only to create the user."},
				{"type", "object"},
				{"additionalProperties", false},
				{"properties", obj{
					{"env", obj{{"description", "An environment variable."}, {"type", "string"}, {"pattern", envNamePattern}}},
					{"file", obj{{"description", "A file, relative to the spec file's directory; one trailing newline is ignored."}, {"type", "string"}, {"minLength", 1}}},
				}},
				{"oneOf", []any{obj{{"required", []string{"env"}}}, obj{{"required", []string{"file"}}}}},
			}},
		}},
	}
	raw, err := json.Marshal(schema)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, raw, "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

func TestSchemaUpToDate(t *testing.T) {
	want, err := generateSchema()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(schemaPath, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatalf("%v (run: go test ./spec -run TestSchemaUpToDate -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("schema.json is out of date with the privilege catalogue or the loader; run: go test ./spec -run TestSchemaUpToDate -update\n%s",
			cmp.Diff(string(want), string(got)))
	}
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	return schematest.Compile(t, schemaPath)
}

// yamlToJSON converts a YAML document to the value a JSON Schema validator sees, the way an
// editor's YAML language server does.
func yamlToJSON(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func globFiles(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no files match %s", pattern)
	}
	return files
}

// TestSchemaAcceptsValidFiles: every example and every valid test file loads and validates
// against schema.json, so that an editor never flags a file the tool accepts.
func TestSchemaAcceptsValidFiles(t *testing.T) {
	sch := compileSchema(t)
	files := append(globFiles(t, "../examples/*.yaml"), globFiles(t, "testdata/valid/*.yaml")...)
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			if _, err := Load(f); err != nil {
				t.Errorf("Load: %v", err)
			}
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(yamlToJSON(t, data)); err != nil {
				t.Errorf("schema: %v", err)
			}
			if !bytes.HasPrefix(data, []byte("# yaml-language-server: $schema=")) {
				t.Errorf("the file does not start with the yaml-language-server $schema comment")
			}
		})
	}
}

var (
	wantRE     = regexp.MustCompile(`(?m)^# want: (.*)$`)
	schemaAtRE = regexp.MustCompile(`(?m)^# schema-at: (.*)$`)
)

// TestSchemaRejectsInvalidFiles: each file of testdata/invalid holds a mistake a schema can
// see; both the loader and schema.json must refuse it. The loader's exact messages are in
// the file's "# want:" lines, with the file named "x.yaml"; the place where the schema
// fails, as a JSON pointer, is in its "# schema-at:" line, so that the schema is shown to
// refuse the file for the same reason.
func TestSchemaRejectsInvalidFiles(t *testing.T) {
	sch := compileSchema(t)
	for _, f := range globFiles(t, "testdata/invalid/*.yaml") {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, m := range wantRE.FindAllSubmatch(data, -1) {
				want = append(want, string(m[1]))
			}
			if len(want) == 0 {
				t.Fatal("the file has no # want: line")
			}
			_, err = Parse("x.yaml", data)
			var ps *Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Parse: want *Problems, got %v", err)
			}
			if diff := cmp.Diff(want, ps.Lines()); diff != "" {
				t.Errorf("Parse problems (-want +got):\n%s", diff)
			}
			at := schemaAtRE.FindSubmatch(data)
			if at == nil {
				t.Fatal("the file has no # schema-at: line")
			}
			err = sch.Validate(yamlToJSON(t, data))
			if err == nil {
				t.Fatalf("schema.json accepts the file")
			}
			if want := fmt.Sprintf("at '%s'", at[1]); !strings.Contains(err.Error(), want) {
				t.Errorf("schema.json refuses the file, but not %s:\n%v", want, err)
			}
		})
	}
}

// TestNamePatternsMatchRules keeps the regular expressions written into schema.json equal
// to the byte rules the loader applies.
func TestNamePatternsMatchRules(t *testing.T) {
	samples := []string{"a", "A1", "_a", "a_b", "a$b", "a.b", "a-b", "1a", "$a", "a b", "ab", "é", "a*", "Z9_", "-a", ".a"}
	for _, c := range []struct {
		pattern string
		rule    nameRule
	}{
		{userNamePattern, userNameRule},
		{userNamePatternMilvus, userNameRuleMilvus},
		{roleNamePattern, roleNameRule},
		{groupNamePattern, groupNameRule},
		{databaseNamePattern, databaseNameRule},
		{collectionNamePattern, collectionNameRule},
		{envNamePattern, envNameRule},
	} {
		re := regexp.MustCompile(c.pattern)
		for _, s := range samples {
			if re.MatchString(s) != (c.rule.check(s) == "") {
				t.Errorf("%s: pattern %s says %v for %q, the rule says %q", c.rule.kind, c.pattern, re.MatchString(s), s, c.rule.check(s))
			}
		}
	}
}
