package spec

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// SchemaID is the $id of schema.json, the JSON Schema of the spec file.
const SchemaID = "https://github.com/milvus-rbac/milvus-rbac/schema.json"

// SchemaRefFor returns the $schema reference for a spec file written into dir: the path,
// relative to dir, of the nearest schema.json of this format in dir or one of its parents
// (as in a checkout of this repository), or "" when there is none, since a reference to a
// file that is not there only makes editors complain.
func SchemaRefFor(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for d := abs; ; d = filepath.Dir(d) {
		candidate := filepath.Join(d, "schema.json")
		if isSpecSchema(candidate) {
			rel, err := filepath.Rel(abs, candidate)
			if err != nil {
				return ""
			}
			return filepath.ToSlash(rel)
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// isSpecSchema reports whether path holds the spec file's JSON Schema.
func isSpecSchema(path string) bool {
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	var head struct {
		ID string `json:"$id"`
	}
	return json.Unmarshal(data, &head) == nil && head.ID == SchemaID
}
