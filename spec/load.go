package spec

import (
	"regexp"

	"gopkg.in/yaml.v3"

	"github.com/milvus-rbac/milvus-rbac/problem"
	"github.com/milvus-rbac/milvus-rbac/release"
)

// MaxFileSize is the largest spec file Load and Parse read: 1 MiB. A file of a hundred users
// and ten roles is a few kilobytes; anything near the limit is a mistake or an attack, and a
// bound keeps the parser's memory bounded too.
const MaxFileSize = 1 << 20

// limits bound a spec file. The deepest valid value (a grant's field) is at depth 6 counting
// the document; the depth margin leaves room for a wrong shape to be reported as such instead
// of as a depth problem.
var limits = problem.Limits{MaxSize: MaxFileSize, MaxDepth: 16, Need: 6}

// maxProblems bounds the problems one Parse reports.
const maxProblems = problem.MaxProblems

// KnownVersions lists the spec file versions this build reads.
var KnownVersions = []int{1}

// DefaultSchemaRef is the $schema reference Encode writes when the Spec names none: the
// schema at the repository root, as seen from examples/.
const DefaultSchemaRef = "../schema.json"

// Load reads and parses the spec file at path, or the spec files of the directory at path
// (see LoadFiles). It reads at most MaxFileSize+1 bytes of a file, so an oversized file is
// refused without being read whole. Spec problems come back as *Problems; an I/O failure
// comes back as a plain error that names the path.
func Load(path string) (*Spec, error) {
	return LoadFiles([]string{path}, LoadOptions{})
}

// Parse parses and validates the spec file data; name is how problems and Spec.Path refer
// to the file, and secret files resolve against its directory (Spec.Dir). Every problem in
// the file comes back at once, as one *Problems error sorted by line.
//
// The order of checks is fixed because each step needs the previous one to mean anything:
// size, YAML syntax, a single document, then the version (a file of another version is not
// checked against the rules of this one), then anchors, aliases and depth, then template
// expansion, strict decoding and validation.
func Parse(name string, data []byte) (*Spec, error) {
	return parseSources([]source{{path: name, data: data}}, nil, nil, false)
}

// CheckRelease checks the file again for what a server of the releases r cannot store (a
// grant Milvus 2.6.12 and later refuse, say), every problem at once with its line as Parse
// gives them. A behaviour that only some releases of r have counts as present: the message
// says so and how to state the release (--milvus-version).
func (s *Spec) CheckRelease(r release.Range) error {
	_, err := parseSources(s.srcs, s.vars, &r, s.rebase)
	return err
}

// loader collects the problems of one spec (one or several files) while it is parsed.
type loader struct {
	*problem.Reader
	// policy is the file's password policy once read; user names depend on it.
	policy string
	// release, when set, are the server releases the file must suit (CheckRelease).
	release *release.Range
	// vars are the template variables given from outside the files (a targets file).
	vars map[string][]string
	// rebase rewrites relative secret files against the working directory.
	rebase bool
	// origins and paths say where each node of the merged document was written.
	origins map[*yaml.Node]origin
	paths   map[*yaml.Node]string
}

// schemaCommentRE finds the yaml-language-server comment that points editors at schema.json.
var schemaCommentRE = regexp.MustCompile(`(?m)^#\s*yaml-language-server:\s*\$schema=(\S+)`)
