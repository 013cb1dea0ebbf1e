package problem

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// MaxProblems bounds the problems one file reports, so that a garbage megabyte does not turn
// into a megabyte of messages.
const MaxProblems = 200

// Reader reads one YAML file strictly and collects its problems. Spec and policy files embed
// it and add the rules of their own format.
type Reader struct {
	// File is the file as named by the caller, for messages.
	File string
	// Kind names the file in messages: "spec file", "policy file".
	Kind string
	// Problems found so far.
	Problems Problems
	// Where, when set, says which file a node comes from and adds a note to problems at
	// it: a spec merged from several files, or a role expanded from a template, keeps the
	// file and line of what the user wrote. An empty file means File.
	Where func(n *yaml.Node) (file, note string)
}

// Add records a problem at line (0: none) and path.
func (r *Reader) Add(line int, path, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{File: r.File, Line: line, Path: path, Message: fmt.Sprintf(format, args...)})
}

// AddAt records a problem at the line of n.
func (r *Reader) AddAt(n *yaml.Node, path, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	file, note := r.File, ""
	if r.Where != nil && n != nil {
		if f, nt := r.Where(n); f != "" {
			file, note = f, nt
		}
	}
	msg := fmt.Sprintf(format, args...)
	if note != "" {
		msg += " (" + note + ")"
	}
	r.Problems = append(r.Problems, Problem{File: file, Line: line, Path: path, Message: msg})
}

// Err returns the problems found, sorted by line and at most MaxProblems of them, as one
// *Problems error; nil when there is none.
func (r *Reader) Err() error {
	if len(r.Problems) == 0 {
		return nil
	}
	r.Problems.Sort()
	if n := len(r.Problems); n > MaxProblems {
		r.Problems = append(r.Problems[:MaxProblems:MaxProblems], Problem{File: r.File,
			Message: fmt.Sprintf("%d more problems not shown", n-MaxProblems)})
	}
	ps := r.Problems
	return &ps
}

// Limits bound what Document accepts.
type Limits struct {
	// MaxSize is the largest file in bytes.
	MaxSize int
	// MaxDepth bounds the nesting of the YAML tree; Need is the depth a valid file needs,
	// for the message.
	MaxDepth, Need int
}

// ReadFile reads the file at path, a kind ("spec file") for messages, and at most one byte
// more than MaxSize: enough for Document to say the file is too large, without reading a huge
// file (or /dev/zero) whole.
func (l Limits) ReadFile(path, kind string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", kind, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, int64(l.MaxSize)+1))
	if err != nil {
		return nil, fmt.Errorf("read %s %s: %w", kind, path, err)
	}
	return data, nil
}

// Document checks data in the order every format needs, each step meaningful only after the
// previous one: size, YAML syntax, a single document, a mapping with the keys named in
// topKeys, the version (a file of another version is not checked against the rules of this
// one), then anchors, aliases and depth. It returns the root mapping, or nil when a problem
// was found.
func (r *Reader) Document(data []byte, lim Limits, topKeys []string, known []int) *yaml.Node {
	if len(data) > lim.MaxSize {
		r.Add(0, "", "the file is larger than %d bytes (%s), the limit for a %s", lim.MaxSize, sizeName(lim.MaxSize), r.Kind)
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			r.Add(1, "", "the file is empty: version is missing (known versions: %s)", knownVersions(known))
		} else {
			r.yamlError(data, err)
		}
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		line := extra.Line
		if err != nil {
			line = yamlErrorLine(err)
		}
		r.Add(line, "", "a %s holds one YAML document; remove the second one (after ---)", r.Kind)
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		r.AddAt(root, "", "the document must be a mapping with keys %s", strings.Join(topKeys, ", "))
		return nil
	}
	if !r.checkVersion(root, known) {
		return nil
	}
	r.checkShape(root, lim)
	if len(r.Problems) > 0 {
		return nil
	}
	return root
}

func sizeName(n int) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

func knownVersions(known []int) string {
	s := make([]string, len(known))
	for i, v := range known {
		s[i] = strconv.Itoa(v)
	}
	return strings.Join(s, ", ")
}

// checkVersion checks the version key before anything else: the rest of the file is read by
// the rules of its version, so there is nothing sensible to say about it under another one.
func (r *Reader) checkVersion(root *yaml.Node, known []int) bool {
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Value != "version" {
			continue
		}
		if v.Kind == yaml.ScalarNode {
			if n, err := strconv.Atoi(v.Value); err == nil && slices.Contains(known, n) {
				if v.Tag == "!!int" {
					return true
				}
				// version: "1" names a known version as a string: say so, instead of
				// "unknown version "1" (known versions: 1)".
				r.AddAt(v, "version", "must be the number %d, not the string %s: write version: %d without quotes", n, strconv.Quote(v.Value), n)
				return false
			}
		}
		r.AddAt(v, "version", "unknown version %s (known versions: %s)", DescribeValue(v), knownVersions(known))
		return false
	}
	r.AddAt(root, "", "version is missing: start the file with \"version: %d\" (known versions: %s)", known[len(known)-1], knownVersions(known))
	return false
}

// DescribeValue renders a node for a message about its shape. Scalars are quoted; other
// nodes are named by kind, so that a message never copies a whole subtree.
func DescribeValue(n *yaml.Node) string {
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
// not expanded with a budget: these files gain nothing from them, and an alias bomb then
// costs nothing, since the yaml.Node tree keeps an alias as a single node. One problem of
// each kind is enough to say what to fix.
func (r *Reader) checkShape(n *yaml.Node, lim Limits) {
	var alias, anchor, deep bool
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if depth > lim.MaxDepth {
			if !deep {
				deep = true
				r.AddAt(n, "", "the YAML nesting is deeper than %d levels; a %s needs %d", lim.MaxDepth, r.Kind, lim.Need)
			}
			return
		}
		if n.Kind == yaml.AliasNode {
			if !alias {
				alias = true
				r.AddAt(n, "", "YAML aliases (*%s) are not supported: write the value out", n.Value)
			}
			return // never follow an alias
		}
		if n.Anchor != "" && !anchor {
			anchor = true
			r.AddAt(n, "", "YAML anchors (&%s) are not supported: write the value out where it is used", n.Anchor)
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(n, 1)
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

func (r *Reader) yamlError(data []byte, err error) {
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
				r.Add(i+1, "", `invalid YAML: an unquoted * starts a YAML alias; write "*" in quotes`)
				return
			}
		}
	}
	r.Add(line, "", "invalid YAML: %s", msg)
}

// Field is one key of a mapping and its value.
type Field struct{ Key, Val *yaml.Node }

// Join is the YAML path of key under parent.
func Join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// Index is the YAML path of item i of the list at parent.
func Index(parent string, i int) string { return fmt.Sprintf("%s[%d]", parent, i) }

// KindOf names the kind of a node for "must be X, not Y" messages; it never shows the value,
// so that it is safe to use on anything, passwords included.
func KindOf(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "null"
		case "!!int", "!!float":
			return "a number"
		case "!!bool":
			return "a boolean"
		case "!!str":
			return "a string"
		}
	}
	return "a value of another kind"
}

// Fields reads a mapping strictly: unknown keys (with a did-you-mean), keys that are not
// strings and repeated keys are problems, each at its own line. quiet keeps key names out of
// messages, for mappings whose keys might be a secret typed in the wrong place.
func (r *Reader) Fields(n *yaml.Node, p string, quiet bool, known []string) (map[string]Field, bool) {
	if n.Kind != yaml.MappingNode {
		r.AddAt(n, p, "must be a mapping with keys %s, not %s", strings.Join(known, ", "), KindOf(n))
		return nil, false
	}
	out := map[string]Field{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case k.Kind != yaml.ScalarNode || k.Tag != "!!str" || !slices.Contains(known, k.Value):
			switch {
			case quiet:
				r.AddAt(k, p, "unknown key (known keys: %s)", strings.Join(known, ", "))
			case k.Kind != yaml.ScalarNode:
				r.AddAt(k, p, "a key must be a string, not %s (known keys: %s)", KindOf(k), strings.Join(known, ", "))
			default:
				hint := DidYouMean(k.Value, known)
				if hint == "" {
					hint = " (known keys: " + strings.Join(known, ", ") + ")"
				}
				r.AddAt(k, p, "unknown key %q%s", k.Value, hint)
			}
		case out[k.Value].Key != nil:
			r.AddAt(k, p, "key %q appears twice (first at line %d)", k.Value, out[k.Value].Key.Line)
		default:
			out[k.Value] = Field{k, v}
		}
	}
	return out, true
}

// Str reads a string value. Other scalars are refused rather than converted, so that
// `name: 123` or `database: yes` is reported instead of silently becoming a string.
func (r *Reader) Str(n *yaml.Node, p string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		r.AddAt(n, p, "must be a string, not %s", KindOf(n))
		return "", false
	}
	return n.Value, true
}

// Bool reads a boolean value.
func (r *Reader) Bool(n *yaml.Node, p string) (bool, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		r.AddAt(n, p, "must be true or false, not %s", KindOf(n))
		return false, false
	}
	return n.Value == "true", true
}

// List reads a list; null (a key with no value) is an empty list, the way an editor leaves
// `roles:` while the file is being written.
func (r *Reader) List(n *yaml.Node, p string) []*yaml.Node {
	if n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		r.AddAt(n, p, "must be a list, not %s", KindOf(n))
		return nil
	}
	return n.Content
}

// Named is a string as read from the file, with where it was.
type Named struct {
	Value string
	Node  *yaml.Node
	Path  string
}

// StrList reads a list of strings.
func (r *Reader) StrList(n *yaml.Node, p string) []Named {
	var out []Named
	for i, item := range r.List(n, p) {
		ip := Index(p, i)
		if v, ok := r.Str(item, ip); ok {
			out = append(out, Named{v, item, ip})
		}
	}
	return out
}
