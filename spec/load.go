package spec

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/milvus-rbac/milvus-rbac/release"
)

// MaxFileSize is the largest spec file Load and Parse read: 1 MiB. A file of a hundred users
// and ten roles is a few kilobytes; anything near the limit is a mistake or an attack, and a
// bound keeps the parser's memory bounded too.
const MaxFileSize = 1 << 20

// maxDepth bounds the nesting of the YAML tree. The deepest valid value (a grant's field) is
// at depth 6 counting the document; the margin leaves room for a wrong shape to be reported
// as such instead of as a depth problem.
const maxDepth = 16

// maxProblems bounds the problems one Parse reports, so that a garbage megabyte does not turn
// into a megabyte of messages.
const maxProblems = 200

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
	l := &loader{file: name, release: r}
	s := l.parse(data)
	if len(l.probs) > 0 {
		l.probs.sort()
		if n := len(l.probs); n > maxProblems {
			l.probs = append(l.probs[:maxProblems:maxProblems], Problem{File: name,
				Message: fmt.Sprintf("%d more problems not shown", n-maxProblems)})
		}
		return nil, &l.probs
	}
	sum := sha256.Sum256(data)
	s.Path = name
	s.Digest = "sha256:" + hex.EncodeToString(sum[:])
	s.data = data
	return s, nil
}

// loader collects the problems of one file while it is parsed.
type loader struct {
	file  string
	probs Problems
	// policy is the file's password policy once read; user names depend on it.
	policy string
	// release, when set, are the server releases the file must suit (CheckRelease).
	release *release.Range
}

func (l *loader) add(line int, path, format string, args ...any) {
	l.probs = append(l.probs, Problem{File: l.file, Line: line, Path: path, Message: fmt.Sprintf(format, args...)})
}

func (l *loader) addAt(n *yaml.Node, path, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	l.add(line, path, format, args...)
}

func (l *loader) parse(data []byte) *Spec {
	if len(data) > MaxFileSize {
		l.add(0, "", "the file is larger than %d bytes (1 MiB), the limit for a spec file", MaxFileSize)
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			l.add(1, "", "the file is empty: version is missing (known versions: %s)", knownVersions())
		} else {
			l.yamlError(data, err)
		}
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		line := extra.Line
		if err != nil {
			line = yamlErrorLine(err)
		}
		l.add(line, "", "a spec file holds one YAML document; remove the second one (after ---)")
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		l.addAt(root, "", "the document must be a mapping with keys version, mode, protect, privilege_groups, roles, users")
		return nil
	}
	if !l.checkVersion(root) {
		return nil
	}
	l.checkShape(root, 1)
	if len(l.probs) > 0 {
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

func knownVersions() string {
	s := make([]string, len(KnownVersions))
	for i, v := range KnownVersions {
		s[i] = strconv.Itoa(v)
	}
	return strings.Join(s, ", ")
}

// checkVersion checks the version key before anything else: the rest of the file is read by
// the rules of its version, so there is nothing sensible to say about it under another one.
func (l *loader) checkVersion(root *yaml.Node) bool {
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Value != "version" {
			continue
		}
		if v.Kind == yaml.ScalarNode && v.Tag == "!!int" {
			if n, err := strconv.Atoi(v.Value); err == nil {
				for _, known := range KnownVersions {
					if n == known {
						return true
					}
				}
			}
		}
		l.addAt(v, "version", "unknown version %s (known versions: %s)", describeValue(v), knownVersions())
		return false
	}
	l.addAt(root, "", "version is missing: start the file with \"version: 1\" (known versions: %s)", knownVersions())
	return false
}

// describeValue renders a node for a message about its shape. Scalars are quoted; other
// nodes are named by kind, so that a message never copies a whole subtree.
func describeValue(n *yaml.Node) string {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return strconv.Quote(n.Value)
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return "a value"
}

// checkShape refuses anchors, aliases and excessive nesting. Aliases are refused outright,
// not expanded with a budget: a spec file gains nothing from them, and an alias bomb then
// costs nothing, since the yaml.Node tree keeps an alias as a single node. One problem of
// each kind is enough to say what to fix.
func (l *loader) checkShape(n *yaml.Node, depth int) {
	var alias, anchor, deep bool
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if depth > maxDepth {
			if !deep {
				deep = true
				l.addAt(n, "", "the YAML nesting is deeper than %d levels; a spec file needs 6", maxDepth)
			}
			return
		}
		if n.Kind == yaml.AliasNode {
			if !alias {
				alias = true
				l.addAt(n, "", "YAML aliases (*%s) are not supported: write the value out", n.Value)
			}
			return // never follow an alias
		}
		if n.Anchor != "" && !anchor {
			anchor = true
			l.addAt(n, "", "YAML anchors (&%s) are not supported: write the value out where it is used", n.Anchor)
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(n, depth)
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlErrorLine extracts the line from a yaml.v3 syntax error, 0 when it has none.
func yamlErrorLine(err error) int {
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// bareStarRE finds a `*` standing alone as a value: YAML reads it as an alias with no name,
// and yaml.v3's error for that carries no line.
var bareStarRE = regexp.MustCompile(`(^|[\s\[{,])\*(\s|$|[,\]}])`)

func (l *loader) yamlError(data []byte, err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	if strings.Contains(msg, "did not find expected alphabetic or numeric character") {
		// A lone * is the usual cause; find it, since yaml.v3 may not say where it is.
		for i, text := range strings.Split(string(data), "\n") {
			if j := strings.Index(text, "#"); j >= 0 {
				text = text[:j]
			}
			if (line == 0 || line == i+1) && bareStarRE.MatchString(text) {
				l.add(i+1, "", `invalid YAML: an unquoted * starts a YAML alias; write "*" in quotes`)
				return
			}
		}
	}
	l.add(line, "", "invalid YAML: %s", msg)
}

// Dir is the directory of the spec file, against which relative secret files resolve.
func (s *Spec) Dir() string {
	if s.Path == "" {
		return "."
	}
	return filepath.Dir(s.Path)
}
