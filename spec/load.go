package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"

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

// Load reads and parses the spec file at path. It reads at most MaxFileSize+1 bytes, so an
// oversized file is refused without being read whole. Spec problems come back as *Problems;
// an I/O failure comes back as a plain error that names the path.
func Load(path string) (*Spec, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read spec file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read spec file %s: %w", path, err)
	}
	return Parse(path, data)
}

// Parse parses and validates the spec file data; name is how problems and Spec.Path refer
// to the file, and secret files resolve against its directory (Spec.Dir). Every problem in
// the file comes back at once, as one *Problems error sorted by line.
//
// The order of checks is fixed because each step needs the previous one to mean anything:
// size, YAML syntax, a single document, then the version (a file of another version is not
// checked against the rules of this one), then anchors, aliases and depth, then strict
// decoding and validation.
func Parse(name string, data []byte) (*Spec, error) {
	return parse(name, data, nil)
}

// CheckRelease checks the file again for what a server of the releases r cannot store (a
// grant Milvus 2.6.12 and later refuse, say), every problem at once with its line as Parse
// gives them. A behaviour that only some releases of r have counts as present: the message
// says so and how to state the release (--milvus-version).
func (s *Spec) CheckRelease(r release.Range) error {
	_, err := parse(s.Path, s.data, &r)
	return err
}

func parse(name string, data []byte, r *release.Range) (*Spec, error) {
	l := &loader{Reader: &problem.Reader{File: name, Kind: "spec file"}, release: r}
	s := l.parse(data)
	if err := l.Err(); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	s.Path = name
	s.Digest = "sha256:" + hex.EncodeToString(sum[:])
	s.data = data
	return s, nil
}

// loader collects the problems of one file while it is parsed.
type loader struct {
	*problem.Reader
	// policy is the file's password policy once read; user names depend on it.
	policy string
	// release, when set, are the server releases the file must suit (CheckRelease).
	release *release.Range
}

func (l *loader) parse(data []byte) *Spec {
	root := l.Document(data, limits, topKeys, KnownVersions)
	if root == nil {
		return nil
	}
	s := l.decode(root)
	if m := schemaCommentRE.FindSubmatch(data); m != nil {
		s.Schema = string(m[1])
	}
	return s
}

// schemaCommentRE finds the yaml-language-server comment that points editors at schema.json.
var schemaCommentRE = regexp.MustCompile(`(?m)^#\s*yaml-language-server:\s*\$schema=(\S+)`)

// Dir is the directory of the spec file, against which relative secret files resolve.
func (s *Spec) Dir() string {
	if s.Path == "" {
		return "."
	}
	return filepath.Dir(s.Path)
}
