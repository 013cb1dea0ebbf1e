package plan

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/milvus-rbac/milvus-rbac/schematest"

	"github.com/milvus-rbac/milvus-rbac/spec"
)

func planSchema(t *testing.T) *jsonschema.Schema {
	return schematest.Compile(t, "../docs/plan.schema.json")
}

var testMeta = Meta{
	ToolVersion: "test",
	Spec:        SpecRef{Path: "access.yaml", Digest: "sha256:" + strings.Repeat("a", 64)},
	Live:        LiveRef{URI: "http://127.0.0.1:19530", Digest: "sha256:" + strings.Repeat("b", 64)},
}

// everyAction is a plan with one step of each action.
func everyAction(t *testing.T) *Plan {
	t.Helper()
	want := st([]string{"alice:reader"}, []string{"reader:g@default.books,GetLoadState@default.c", "fresh:Query@default.*"}, []string{"g:Query", "h:Search"})
	live := st(append(builtinUsers, "bob:old", "carol:", "dave:"), append(builtinRoles, "old:Insert@*.*", "reader:Load@default.c"),
		[]string{"h:Query", "old_group:Search"})
	want.Users["bob"] = &spec.User{Name: "bob"}
	want.Groups["h"].Privileges = []string{"Search"}
	want.Users["dave"] = &spec.User{Name: "dave", Password: &spec.Secret{Env: "DAVE_PW"}, PreviousPassword: &spec.Secret{File: "old/dave"}}
	want.Users["bob"].Description = "on call"
	want.Roles["reader"].Description = "reads books"
	p, err := Diff(&spec.Spec{Mode: spec.ModeAuthoritative, State: want}, live, Options{PasswordMismatch: map[string]bool{"dave": true}, Descriptions: true})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[Action]bool{}
	for _, s := range p.Steps {
		seen[s.Action] = true
	}
	for _, a := range Order {
		if !seen[a] {
			t.Fatalf("test plan lacks a %s step", a)
		}
	}
	return p
}

func TestDocumentsValidateAgainstTheSchema(t *testing.T) {
	sch := planSchema(t)
	for name, doc := range map[string]*Document{
		"plan":  NewDocument(everyAction(t), testMeta, false),
		"drift": NewDocument(everyAction(t), testMeta, true),
		"empty": NewDocument(&Plan{Mode: spec.ModeAdopt}, testMeta, false),
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := doc.Write(&buf); err != nil {
				t.Fatal(err)
			}
			inst, err := jsonschema.UnmarshalJSON(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(inst); err != nil {
				t.Errorf("document does not validate: %v\n%s", err, buf.String())
			}
		})
	}
}

func TestSchemaRejectsBrokenDocuments(t *testing.T) {
	sch := planSchema(t)
	var buf bytes.Buffer
	if err := NewDocument(everyAction(t), testMeta, false).Write(&buf); err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string]func(m map[string]any){
		"major version 2":        func(m map[string]any) { m["format_version"] = "2.0" },
		"unknown action":         func(m map[string]any) { step(m, 0)["action"] = "rename_user" },
		"grant step w/o grant":   func(m map[string]any) { delete(stepOf(m, "grant_privilege"), "grant") },
		"drop not destructive":   func(m map[string]any) { stepOf(m, "drop_user")["destructive"] = false },
		"password value inlined": func(m map[string]any) { stepOf(m, "create_user")["password"] = "hunter2" },
		"no summary":             func(m map[string]any) { delete(m, "summary") },
	} {
		t.Run(name, func(t *testing.T) {
			var m map[string]any
			if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
				t.Fatal(err)
			}
			edit(m)
			b, _ := json.Marshal(m)
			inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err := sch.Validate(inst); err == nil {
				t.Error("schema accepted the broken document")
			}
		})
	}
}

func step(m map[string]any, i int) map[string]any { return m["steps"].([]any)[i].(map[string]any) }

func stepOf(m map[string]any, action string) map[string]any {
	for _, s := range m["steps"].([]any) {
		if s.(map[string]any)["action"] == action {
			return s.(map[string]any)
		}
	}
	panic("no " + action)
}

func TestDocumentRoundTrip(t *testing.T) {
	p := everyAction(t)
	var buf bytes.Buffer
	if err := NewDocument(p, testMeta, false).Write(&buf); err != nil {
		t.Fatal(err)
	}
	doc, err := ReadDocument(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(p.Steps, doc.Plan().Steps); d != "" {
		t.Errorf("steps changed in the round trip (-want +got):\n%s", d)
	}
	if d := Compare(p, doc.Plan()); len(d) != 0 {
		t.Errorf("Compare of a plan with itself: %v", d)
	}
}

func TestReadDocumentRefuses(t *testing.T) {
	for name, tc := range map[string]struct{ doc, want string }{
		"major 2":    {`{"format_version":"2.0","kind":"plan"}`, `format_version "2.0" is not supported: this milvus-rbac reads 1.x`},
		"drift":      {`{"format_version":"1.0","kind":"drift"}`, `the document is a "drift", not a plan`},
		"bad action": {`{"format_version":"1.3","kind":"plan","steps":[{"action":"rename_user"}]}`, `step 1: unknown action "rename_user"`},
		"incomplete": {`{"format_version":"1.0","kind":"plan","steps":[{"action":"grant_role","user":"a"}]}`, "step 1: grant_role step without user and role"},
		"not json":   {`<html>`, "decode plan"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ReadDocument(strings.NewReader(tc.doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestCompare(t *testing.T) {
	a := Step{Action: CreateRole, Role: "a"}
	b := Step{Action: CreateRole, Role: "b"}
	c := Step{Action: DropUser, User: "c"}
	for name, tc := range map[string]struct {
		saved, fresh []Step
		want         []string
	}{
		"same":     {[]Step{a, b}, []Step{a, b}, nil},
		"gone":     {[]Step{a, b}, []Step{a}, []string{"saved but no longer needed: create role b"}},
		"new":      {[]Step{a}, []Step{a, c}, []string{"needed now but not in the saved plan: drop user c"}},
		"reorder":  {[]Step{a, b}, []Step{b, a}, []string{"the same steps in another order"}},
		"replaced": {[]Step{b}, []Step{c}, []string{"saved but no longer needed: create role b", "needed now but not in the saved plan: drop user c"}},
	} {
		t.Run(name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, Compare(&Plan{Steps: tc.saved}, &Plan{Steps: tc.fresh})); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}
