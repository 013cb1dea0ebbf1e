// Package schematest compiles the project's JSON Schemas (schema.json, docs/*.schema.json) for
// tests and checks documents against them. It is imported by tests only.
package schematest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Compile compiles the JSON Schema in the file path, failing t when it cannot.
func Compile(t testing.TB, path string) *jsonschema.Schema {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	name := filepath.Base(path)
	c := jsonschema.NewCompiler()
	if err := c.AddResource(name, doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	sch, err := c.Compile(name)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return sch
}

// Validate fails t unless doc is JSON that sch accepts; what names the document in messages.
func Validate(t testing.TB, sch *jsonschema.Schema, what, doc string) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	if err != nil {
		t.Fatalf("%s: not JSON: %v\n%s", what, err, doc)
	}
	if err := sch.Validate(inst); err != nil {
		t.Errorf("%s does not match %s: %v", what, sch.Location, err)
	}
}
