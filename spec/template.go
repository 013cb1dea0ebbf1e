package spec

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/milvus-rbac/milvus-rbac/problem"
)

// Keys of templates, instances and of a variable reference.
var (
	templateKeys = []string{"name", "description", "roles"}
	instanceKeys = []string{"template", "databases", "collections"}
	varKeys      = []string{"var"}
)

// Placeholders a template may use in any string of its roles.
const (
	PlaceholderDB         = "{db}"
	PlaceholderCollection = "{collection}"
)

// placeholderRE finds {word} in a template's strings.
var placeholderRE = regexp.MustCompile(`\{[A-Za-z_][A-Za-z0-9_]*\}`)

// template is a template as read: its roles' nodes, still with placeholders.
type template struct {
	name  named
	roles []*yaml.Node
	// uses holds the placeholders the template uses.
	uses map[string]bool
	path string
}

// expand replaces the templates and instances of root by the roles they make, appended to
// root's roles. Each made role keeps the lines of its template and carries a note naming the
// template, the instance and its values, so that a problem in it says where to look.
func (l *loader) expand(root *yaml.Node) {
	var tnode, inode, vnode, roles *yaml.Node
	for k := 0; k+1 < len(root.Content); k += 2 {
		switch key, val := root.Content[k], root.Content[k+1]; key.Value {
		case "templates":
			tnode = val
		case "instances":
			inode = val
		case "variables":
			vnode = val
		case "roles":
			roles = val
		}
	}
	if tnode == nil && inode == nil {
		if vnode != nil {
			l.variables(vnode)
		}
		return
	}
	vars := map[string][]string{}
	if vnode != nil {
		vars = l.variables(vnode)
	}
	for k, v := range l.vars {
		vars[k] = v
	}
	templates := map[string]*template{}
	var names []string
	seen := firstSeen{}
	for i, item := range l.List(tnode, "templates") {
		p := l.itemPath("templates", i, item)
		f, ok := l.Fields(item, p, false, templateKeys)
		if !ok {
			continue
		}
		name, ok := l.name(item, f, p)
		if !ok {
			continue
		}
		if first, dup := seen[name.Value]; dup {
			l.AddAt(name.Node, name.Path, "template %q is defined twice (first at %s)", name.Value, l.at(first, name.Node))
			continue
		}
		seen[name.Value] = name.Node
		names = append(names, name.Value)
		t := &template{name: name, uses: map[string]bool{}, path: p}
		if df, ok := f["description"]; ok {
			l.Str(df.Val, join(p, "description"))
		}
		rf, ok := f["roles"]
		if !ok {
			l.AddAt(item, p, "roles is missing: a template declares the roles each instance makes")
			continue
		}
		for j, r := range l.List(rf.Val, join(p, "roles")) {
			rp := index(join(p, "roles"), j)
			l.paths[r] = rp
			l.placeholders(r, rp, t)
			t.roles = append(t.roles, r)
		}
		templates[name.Value] = t
	}
	if roles == nil {
		key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "roles"}
		roles = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: root.Line}
		l.origins[roles] = l.origins[root]
		root.Content = append(root.Content, key, roles)
	} else if roles.Kind != yaml.SequenceNode {
		return // refused by decodeRoles
	}
	sort.Strings(names)
	for i, item := range l.List(inode, "instances") {
		p := l.itemPath("instances", i, item)
		f, ok := l.Fields(item, p, false, instanceKeys)
		if !ok {
			continue
		}
		tf, ok := f["template"]
		if !ok {
			l.AddAt(item, p, "template is missing: name the template to instantiate")
			continue
		}
		tname, ok := l.Str(tf.Val, join(p, "template"))
		if !ok {
			continue
		}
		t := templates[tname]
		if t == nil {
			l.AddAt(tf.Val, join(p, "template"), "unknown template %q%s", tname, problem.DidYouMean(tname, names))
			continue
		}
		dbs, ok := l.values(f, "databases", p, vars, item)
		if !ok {
			continue
		}
		if len(dbs) == 0 && t.uses[PlaceholderDB] {
			l.AddAt(item, p, "template %q uses %s: the instance needs databases", tname, PlaceholderDB)
			continue
		}
		colls, ok := l.values(f, "collections", p, vars, item)
		if !ok {
			continue
		}
		switch {
		case len(colls) == 0 && t.uses[PlaceholderCollection]:
			l.AddAt(item, p, "template %q uses %s: the instance needs collections", tname, PlaceholderCollection)
			continue
		case len(colls) > 0 && !t.uses[PlaceholderCollection]:
			l.AddAt(f["collections"].Key, join(p, "collections"), "template %q does not use %s: collections would make the same roles once per collection; remove collections or use %s in the template", tname, PlaceholderCollection, PlaceholderCollection)
			continue
		case len(dbs) > 0 && !t.uses[PlaceholderDB]:
			l.AddAt(f["databases"].Key, join(p, "databases"), "template %q does not use %s: databases would make the same roles once per database; remove databases or use %s in the template", tname, PlaceholderDB, PlaceholderDB)
			continue
		}
		if len(dbs) == 0 {
			dbs = []string{""}
		}
		if len(colls) == 0 {
			colls = []string{""}
		}
		file := l.fileOf(item)
		for _, db := range dbs {
			for _, coll := range colls {
				vals := map[string]string{PlaceholderDB: db, PlaceholderCollection: coll}
				var with []string
				if db != "" {
					with = append(with, "db="+db)
				}
				if coll != "" {
					with = append(with, "collection="+coll)
				}
				note := fmt.Sprintf("from template %q, instance %s at %s:%d", tname, p, file, item.Line)
				if len(with) > 0 {
					note += ", " + strings.Join(with, " ")
				}
				for _, r := range t.roles {
					c := l.instantiate(r, vals, note)
					l.paths[c] = l.paths[r]
					roles.Content = append(roles.Content, c)
				}
			}
		}
	}
}

// placeholders records the placeholders r uses and refuses unknown ones.
func (l *loader) placeholders(n *yaml.Node, p string, t *template) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		for _, ph := range placeholderRE.FindAllString(n.Value, -1) {
			if ph != PlaceholderDB && ph != PlaceholderCollection {
				l.AddAt(n, p, "template %q: unknown placeholder %s (known: %s, %s)", t.name.Value, ph, PlaceholderDB, PlaceholderCollection)
				continue
			}
			t.uses[ph] = true
		}
	}
	for _, c := range n.Content {
		l.placeholders(c, p, t)
	}
}

// instantiate copies n with the placeholders replaced, each copy marked as made by note.
func (l *loader) instantiate(n *yaml.Node, vals map[string]string, note string) *yaml.Node {
	c := *n
	if c.Kind == yaml.ScalarNode && c.Tag == "!!str" {
		c.Value = placeholderRE.ReplaceAllStringFunc(c.Value, func(ph string) string {
			if v, ok := vals[ph]; ok {
				return v
			}
			return ph
		})
	}
	c.Content = nil
	for _, ch := range n.Content {
		c.Content = append(c.Content, l.instantiate(ch, vals, note))
	}
	l.origins[&c] = origin{file: l.fileOf(n), note: note}
	return &c
}

// values reads the databases or collections of an instance: a list of names, or {var: NAME}
// naming a variable (from the spec's variables, or given by a targets file).
func (l *loader) values(f map[string]field, key, p string, vars map[string][]string, item *yaml.Node) ([]string, bool) {
	vf, ok := f[key]
	if !ok {
		return nil, true
	}
	kp := join(p, key)
	if vf.Val.Kind == yaml.MappingNode {
		mf, ok := l.Fields(vf.Val, kp, false, varKeys)
		if !ok {
			return nil, false
		}
		nf, ok := mf["var"]
		if !ok {
			l.AddAt(vf.Val, kp, "var is missing: write {var: NAME}")
			return nil, false
		}
		name, ok := l.Str(nf.Val, join(kp, "var"))
		if !ok {
			return nil, false
		}
		v, ok := vars[name]
		if !ok {
			known := make([]string, 0, len(vars))
			for k := range vars {
				known = append(known, k)
			}
			sort.Strings(known)
			l.AddAt(nf.Val, join(kp, "var"), "variable %q is not set: define it under variables, or give it in the targets file%s", name, problem.DidYouMean(name, known))
			return nil, false
		}
		return v, true
	}
	var out []string
	ok = true
	seen := firstSeen{}
	for _, v := range l.StrList(vf.Val, kp) {
		if v.Value == "" {
			l.AddAt(v.Node, v.Path, "must not be empty")
			ok = false
			continue
		}
		if first, dup := seen[v.Value]; dup {
			l.AddAt(v.Node, v.Path, "%q is listed twice (first at %s)", v.Value, l.at(first, v.Node))
			ok = false
			continue
		}
		seen[v.Value] = v.Node
		out = append(out, v.Value)
	}
	if len(out) == 0 && ok && slices.Contains([]string{"databases"}, key) {
		l.AddAt(vf.Val, kp, "an instance needs at least one database")
		return nil, false
	}
	return out, ok
}

// variables reads the spec's variables section: names and lists of strings.
func (l *loader) variables(n *yaml.Node) map[string][]string {
	out := map[string][]string{}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return out
	}
	if n.Kind != yaml.MappingNode {
		l.AddAt(n, "variables", "must be a mapping of names to lists of strings, not %s", kindOf(n))
		return out
	}
	for k := 0; k+1 < len(n.Content); k += 2 {
		key, val := n.Content[k], n.Content[k+1]
		name, ok := l.Str(key, "variables")
		if !ok {
			continue
		}
		var vs []string
		for _, v := range l.StrList(val, join("variables", name)) {
			vs = append(vs, v.Value)
		}
		out[name] = vs
	}
	return out
}
