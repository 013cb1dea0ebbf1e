package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/milvus-rbac/milvus-rbac/problem"
	"github.com/milvus-rbac/milvus-rbac/release"
)

// File is one file of a spec, as named by the user, and the digest of its bytes. A saved
// plan records them all and is stale when any of them changed.
type File struct {
	Path   string `json:"path"`
	Digest string `json:"digest"`
}

// Source is where an object of the spec was written: its file and line, and, for an
// object expanded from a template, which template and instance made it.
type Source struct {
	File string `json:"file"`
	Line int    `json:"line"`
	// Template names the template and instance of an expanded object, empty otherwise.
	Template string `json:"template,omitempty"`
}

// String is "access.yaml:12", followed by the template note for an expanded object.
func (s Source) String() string {
	if s.File == "" {
		return ""
	}
	out := s.File
	if s.Line > 0 {
		out += fmt.Sprintf(":%d", s.Line)
	}
	if s.Template != "" {
		out += " (" + s.Template + ")"
	}
	return out
}

// Kinds of object, as plans and messages name them ("role reader"); a Source is recorded
// for each.
const (
	KindUser  = "user"
	KindRole  = "role"
	KindGroup = "privilege group"
)

// SourceOf is where the object of kind (KindUser, KindRole, KindGroup) and name was written;
// the zero Source when the spec does not define it.
func (s *Spec) SourceOf(kind, name string) Source {
	if s == nil {
		return Source{}
	}
	return s.sources[kind+"\x00"+name]
}

// LoadOptions say how LoadFiles finds and reads the files.
type LoadOptions struct {
	// Recursive makes a directory contribute the files of its subdirectories too.
	Recursive bool
	// Variables give values to the variables templates use (instances' databases:
	// {var: NAME}); they override the file's own variables section. A targets file sets them
	// per cluster.
	Variables map[string][]string
}

// source is one spec file as read.
type source struct {
	path string
	data []byte
}

// ListFiles expands paths into the spec files they name: a file as it is, a directory as
// its *.yaml and *.yml files sorted by name (with recursive, those of its subdirectories
// too). A file named twice counts once.
func ListFiles(paths []string, recursive bool) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if c := filepath.Clean(p); !seen[c] {
			seen[c] = true
			out = append(out, p)
		}
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("read spec file: %w", err)
		}
		if !info.IsDir() {
			add(p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if q != p && !recursive {
					return filepath.SkipDir
				}
				return nil
			}
			if ext := filepath.Ext(q); ext == ".yaml" || ext == ".yml" {
				found = append(found, q)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read spec directory %s: %w", p, err)
		}
		if len(found) == 0 {
			hint := ""
			if !recursive {
				hint = " (subdirectories are read only with --recursive)"
			}
			return nil, fmt.Errorf("spec directory %s holds no .yaml or .yml file%s", p, hint)
		}
		sort.Strings(found)
		for _, f := range found {
			add(f)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no spec file given")
	}
	return out, nil
}

// LoadFiles reads the spec files and directories of paths (ListFiles) and merges them into
// one spec: their lists (privilege groups, roles, users, templates, instances) are joined,
// an object defined twice is a problem naming both places, and the file-wide settings
// (version, mode, password_policy, protect, variables) are set in one file or agree. Every
// problem names the file and line it is at.
func LoadFiles(paths []string, o LoadOptions) (*Spec, error) {
	files, err := ListFiles(paths, o.Recursive)
	if err != nil {
		return nil, err
	}
	var srcs []source
	for _, f := range files {
		data, err := limits.ReadFile(f, "spec file")
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, source{path: f, data: data})
	}
	rebase := len(srcs) > 1
	if info, err := os.Stat(paths[0]); err == nil && info.IsDir() {
		rebase = true
	}
	s, err := parseSources(srcs, o.Variables, nil, rebase)
	if err != nil {
		return nil, err
	}
	if len(paths) == 1 {
		s.Path = paths[0]
	}
	return s, nil
}

func digest(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// origin is where a node of the merged document comes from.
type origin struct {
	file string
	// note is added to every problem at the node: the template instance that made it.
	note string
}

// parseSources parses and merges srcs. With rebase, relative secret files are rewritten to
// be relative to the working directory, which is then the spec's Dir: the files of a merged
// spec may sit in different directories.
func parseSources(srcs []source, vars map[string][]string, r *release.Range, rebase bool) (*Spec, error) {
	l := &loader{Reader: &problem.Reader{File: srcs[0].path, Kind: "spec file"}, release: r, vars: vars, rebase: rebase,
		origins: map[*yaml.Node]origin{}, paths: map[*yaml.Node]string{}}
	l.Where = func(n *yaml.Node) (string, string) { o := l.origins[n]; return o.file, o.note }
	roots := make([]*yaml.Node, len(srcs))
	for i, src := range srcs {
		fr := &problem.Reader{File: src.path, Kind: "spec file"}
		roots[i] = fr.Document(src.data, limits, topKeys, KnownVersions)
		l.Problems = append(l.Problems, fr.Problems...)
		if roots[i] != nil {
			l.mark(roots[i], origin{file: src.path})
		}
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	root := roots[0]
	if len(srcs) > 1 {
		root = l.merge(srcs, roots)
	}
	l.expand(root)
	s := l.decode(root)
	if err := l.Err(); err != nil {
		return nil, err
	}
	if m := schemaCommentRE.FindSubmatch(srcs[0].data); m != nil {
		s.Schema = string(m[1])
	}
	s.srcs, s.vars, s.rebase = srcs, vars, rebase
	if rebase {
		s.dir = "."
	}
	for _, src := range srcs {
		s.Files = append(s.Files, File{Path: src.path, Digest: digest(src.data)})
	}
	if len(srcs) == 1 {
		s.Path, s.Digest = srcs[0].path, s.Files[0].Digest
		s.data = srcs[0].data
	} else {
		names := make([]string, len(srcs))
		var all strings.Builder
		for i, f := range s.Files {
			names[i] = f.Path
			fmt.Fprintf(&all, "%s\n", f.Digest) // not the paths: a saved plan names them from elsewhere
		}
		s.Path = strings.Join(names, ", ")
		s.Digest = digest([]byte(all.String()))
	}
	return s, nil
}

// mark records o as the origin of n and everything under it.
func (l *loader) mark(n *yaml.Node, o origin) {
	l.origins[n] = o
	for _, c := range n.Content {
		l.mark(c, o)
	}
}

// fileOf names the file of n.
func (l *loader) fileOf(n *yaml.Node) string {
	if o, ok := l.origins[n]; ok && o.file != "" {
		return o.file
	}
	return l.File
}

// at says where n is, for a message written at another node: "line 12" in the same file,
// "team-b.yaml:12" in another, with the template note of an expanded node.
func (l *loader) at(n, from *yaml.Node) string {
	where := fmt.Sprintf("line %d", n.Line)
	if f := l.fileOf(n); f != l.fileOf(from) {
		where = fmt.Sprintf("%s:%d", f, n.Line)
	}
	if o := l.origins[n]; o.note != "" {
		where += ", " + o.note
	}
	return where
}

// settingKeys are the file-wide settings: set in one file of a merged spec, or the same in
// each file that sets them. listKeys are joined across files.
var (
	settingKeys = []string{"version", "mode", "password_policy", "protect", "variables"}
	listKeys    = []string{"privilege_groups", "roles", "users", "templates", "instances"}
)

// merge joins the documents of several files into one, recording the path each list item
// has in its own file.
func (l *loader) merge(srcs []source, roots []*yaml.Node) *yaml.Node {
	root := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: roots[0].Line}
	l.origins[root] = origin{file: srcs[0].path}
	settings := map[string]*yaml.Node{}
	lists := map[string]*yaml.Node{}
	for _, r := range roots {
		for k := 0; k+1 < len(r.Content); k += 2 {
			key, val := r.Content[k], r.Content[k+1]
			switch {
			case key.Kind == yaml.ScalarNode && slices.Contains(settingKeys, key.Value):
				if prev, ok := settings[key.Value]; ok {
					if render(prev) != render(val) {
						l.AddAt(val, key.Value, "%s differs from the one at %s: the files of a spec set %s once, or the same in each", key.Value, l.at(prev, val), key.Value)
					}
					continue
				}
				settings[key.Value] = val
				root.Content = append(root.Content, key, val)
			case key.Kind == yaml.ScalarNode && slices.Contains(listKeys, key.Value):
				seq := lists[key.Value]
				if seq == nil {
					seq = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: val.Line}
					l.origins[seq] = l.origins[val]
					lists[key.Value] = seq
					root.Content = append(root.Content, key, seq)
				}
				for j, item := range l.List(val, key.Value) {
					seq.Content = append(seq.Content, item)
					l.paths[item] = index(key.Value, j)
				}
			default:
				root.Content = append(root.Content, key, val) // refused by Fields with its line
			}
		}
	}
	return root
}

// render is n as YAML, to compare settings across files.
func render(n *yaml.Node) string {
	b, err := yaml.Marshal(n)
	if err != nil {
		return fmt.Sprintf("%p", n)
	}
	return string(b)
}

// itemPath is the YAML path of item of list section at index i: the path it has in its own
// file, or in the template that made it.
func (l *loader) itemPath(section string, i int, item *yaml.Node) string {
	if p, ok := l.paths[item]; ok {
		return p
	}
	return index(section, i)
}

// Dir is the directory against which relative secret files resolve: the spec file's
// directory; for a spec of several files or a directory, the working directory (secret
// paths are then rewritten at load to be relative to it).
func (s *Spec) Dir() string {
	if s.dir != "" {
		return s.dir
	}
	if s.Path == "" {
		return "."
	}
	return filepath.Dir(s.Path)
}
