package fleet

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/go-multierror"
	"gopkg.in/yaml.v3"

	"github.com/milvus-rbac/milvus-rbac/problem"
	"github.com/milvus-rbac/milvus-rbac/release"
)

// Target is one cluster of a targets file. Paths are resolved against the targets file's
// directory.
type Target struct {
	// Name names the target in the report, --target and plan --out DIR (DIR/<name>.json).
	Name string
	URI  string
	// TokenEnv is the environment variable holding the cluster's token; "" for none.
	TokenEnv string
	// CACert is a PEM file of a private CA.
	CACert string
	// Files are the spec files and directories; Overlays are more files merged after them
	// (the target's own users and roles, say): both merge into one spec.
	Files    []string
	Overlays []string
	// Recursive reads the subdirectories of Files' directories too.
	Recursive bool
	// Variables set template variables for this cluster (which databases exist where).
	Variables map[string][]string
	// Concurrency and Rate override the run's --concurrency and --rate when set.
	Concurrency int
	Rate        float64
	// MilvusVersion is the cluster's release, when known.
	MilvusVersion string
	// Line is the target's line in the targets file.
	Line int
}

// Targets is a parsed targets file.
type Targets struct {
	Path    string
	Targets []Target
}

// Keys of the targets file.
var (
	topKeys    = []string{"version", "defaults", "targets"}
	targetKeys = []string{"name", "uri", "token_env", "ca_cert", "files", "overlays", "recursive", "variables", "concurrency", "rate", "milvus_version"}
)

var (
	nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$`)
	envRE  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// limits bound the targets file: 1 MiB, as spec and policy files.
var limits = problem.Limits{MaxSize: 1 << 20, MaxDepth: 12, Need: 5}

// Load reads and checks the targets file at path: every problem at once, each with its line.
func Load(path string) (*Targets, error) {
	data, err := limits.ReadFile(path, "targets file")
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse checks a targets file. A target's settings fall back on the defaults section:
//
//	version: 1
//	defaults: {files: [access/], concurrency: 8}
//	targets:
//	  - name: prod-eu
//	    uri: https://milvus.prod-eu.example.com:19530
//	    token_env: MILVUS_TOKEN_PROD_EU
//	    overlays: [overlays/prod.yaml]
//	    variables: {databases: [sales, hr]}
func Parse(path string, data []byte) (*Targets, error) {
	r := &problem.Reader{File: path, Kind: "targets file"}
	root := r.Document(data, limits, topKeys, []int{1})
	if root == nil {
		return nil, r.Err()
	}
	top, _ := r.Fields(root, "", false, topKeys)
	base := filepath.Dir(path)
	var def Target
	if f, ok := top["defaults"]; ok {
		def, _ = readTarget(r, f.Val, "defaults", base, Target{}, true)
	}
	out := &Targets{Path: path}
	seen := map[string]int{}
	tf, ok := top["targets"]
	if !ok {
		r.AddAt(root, "", "targets is missing: list the clusters to run on")
		return nil, r.Err()
	}
	for i, item := range r.List(tf.Val, "targets") {
		t, ok := readTarget(r, item, problem.Index("targets", i), base, def, false)
		if !ok {
			continue
		}
		if line, dup := seen[t.Name]; dup {
			r.AddAt(item, problem.Index("targets", i), "target %q is listed twice (first at line %d)", t.Name, line)
			continue
		}
		seen[t.Name] = t.Line
		out.Targets = append(out.Targets, t)
	}
	if len(out.Targets) == 0 && len(r.Problems) == 0 {
		r.AddAt(tf.Val, "targets", "no target: list at least one cluster")
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// readTarget reads one target (or the defaults, where name and uri are not required).
func readTarget(r *problem.Reader, n *yaml.Node, p, base string, def Target, isDefault bool) (Target, bool) {
	t := def
	t.Variables = map[string][]string{}
	for k, v := range def.Variables {
		t.Variables[k] = v
	}
	t.Line = n.Line
	f, ok := r.Fields(n, p, false, targetKeys)
	if !ok {
		return t, false
	}
	valid := true
	str := func(key string) (string, *yaml.Node, bool) {
		kf, has := f[key]
		if !has {
			return "", nil, false
		}
		v, ok := r.Str(kf.Val, problem.Join(p, key))
		if !ok {
			valid = false
		}
		return v, kf.Val, ok
	}
	paths := func(key string) ([]string, bool) {
		kf, has := f[key]
		if !has {
			return nil, false
		}
		var out []string
		for _, v := range r.StrList(kf.Val, problem.Join(p, key)) {
			if v.Value == "" {
				r.AddAt(v.Node, v.Path, "must name a file or directory")
				valid = false
				continue
			}
			out = append(out, resolve(base, v.Value))
		}
		return out, true
	}
	if v, node, ok := str("name"); ok {
		if !nameRE.MatchString(v) {
			r.AddAt(node, problem.Join(p, "name"), "a target name is letters, digits, '_', '.' and '-', at most 63, not starting with a punctuation mark (it names a file of plan --out DIR)")
			valid = false
		}
		t.Name = v
	} else if !isDefault {
		if _, has := f["name"]; !has {
			r.AddAt(n, p, "name is missing")
		}
		valid = false
	}
	if v, node, ok := str("uri"); ok {
		if !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") {
			// Caught here with its line, not when the target runs.
			r.AddAt(node, problem.Join(p, "uri"), "must start with http:// or https:// (http://host:port)")
			valid = false
		}
		t.URI = v
	} else if !isDefault && t.URI == "" {
		if _, has := f["uri"]; !has {
			r.AddAt(n, p, "uri is missing: the cluster's REST URI")
		}
		valid = false
	}
	if v, node, ok := str("token_env"); ok {
		if !envRE.MatchString(v) {
			r.AddAt(node, problem.Join(p, "token_env"), "must name an environment variable: letters, digits and underscores, not starting with a digit")
			valid = false
		}
		t.TokenEnv = v
	}
	if v, _, ok := str("ca_cert"); ok {
		t.CACert = resolve(base, v)
	}
	if v, node, ok := str("milvus_version"); ok {
		if rv, err := release.Parse(v); err != nil {
			r.AddAt(node, problem.Join(p, "milvus_version"), "%v", err)
			valid = false
		} else if err := release.Supported(rv); err != nil {
			r.AddAt(node, problem.Join(p, "milvus_version"), "%v", err)
			valid = false
		}
		t.MilvusVersion = v
	}
	if fs, ok := paths("files"); ok {
		t.Files = fs
	}
	if fs, ok := paths("overlays"); ok {
		t.Overlays = fs
	}
	if kf, has := f["recursive"]; has {
		if v, ok := r.Bool(kf.Val, problem.Join(p, "recursive")); ok {
			t.Recursive = v
		}
	}
	if kf, has := f["concurrency"]; has {
		n, err := strconv.Atoi(kf.Val.Value)
		if kf.Val.Tag != "!!int" || err != nil || n < 1 {
			r.AddAt(kf.Val, problem.Join(p, "concurrency"), "must be a whole number of calls at once, 1 or more")
			valid = false
		}
		t.Concurrency = n
	}
	if kf, has := f["rate"]; has {
		v, err := strconv.ParseFloat(kf.Val.Value, 64)
		if (kf.Val.Tag != "!!int" && kf.Val.Tag != "!!float") || err != nil || v < 0 {
			r.AddAt(kf.Val, problem.Join(p, "rate"), "must be a number of calls per second, 0 for no limit")
			valid = false
		}
		t.Rate = v
	}
	if kf, has := f["variables"]; has {
		vp := problem.Join(p, "variables")
		if kf.Val.Kind != yaml.MappingNode {
			r.AddAt(kf.Val, vp, "must be a mapping of names to lists of strings, not %s", problem.KindOf(kf.Val))
			valid = false
		} else {
			for k := 0; k+1 < len(kf.Val.Content); k += 2 {
				name, ok := r.Str(kf.Val.Content[k], vp)
				if !ok {
					valid = false
					continue
				}
				var vs []string
				for _, v := range r.StrList(kf.Val.Content[k+1], problem.Join(vp, name)) {
					vs = append(vs, v.Value)
				}
				t.Variables[name] = vs
			}
		}
	}
	if !isDefault && valid && len(t.Files) == 0 {
		r.AddAt(n, p, "files is missing: name the spec files or directories of target %q (here or under defaults)", t.Name)
		valid = false
	}
	return t, valid
}

// resolve makes p relative to the targets file's directory, unless absolute.
func resolve(base, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(base, p)
}

// Select returns the targets named (all when names is empty), in the file's order; an
// unknown name is an error with a suggestion.
func (ts *Targets) Select(names []string) ([]Target, error) {
	if len(names) == 0 {
		return ts.Targets, nil
	}
	var known []string
	for _, t := range ts.Targets {
		known = append(known, t.Name)
	}
	var errs *multierror.Error
	for _, n := range names {
		if !slices.Contains(known, n) {
			errs = problem.Append(errs, fmt.Errorf("--target %s: no such target in %s%s", n, ts.Path, problem.DidYouMean(n, known)))
		}
	}
	if err := errs.ErrorOrNil(); err != nil {
		return nil, err
	}
	var out []Target
	for _, t := range ts.Targets {
		if slices.Contains(names, t.Name) {
			out = append(out, t)
		}
	}
	return out, nil
}
