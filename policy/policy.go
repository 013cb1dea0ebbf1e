package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/milvus-rbac/milvus-rbac/privilege"
)

// Version is the policy file version this build reads.
const Version = 1

// MaxFileSize is the largest policy file Load reads.
const MaxFileSize = 1 << 20

// Kind is the type of a rule: the one key that holds it in the file.
type Kind string

// Rule kinds.
const (
	// KindDeny: no user outside the exceptions may hold a privilege on a database (and
	// collection), however it reaches them: groups, wildcards, admin, public.
	KindDeny Kind = "deny"
	// KindDenyGrant: no role outside the exceptions may hold a privilege, or be granted a
	// group, "*" or All.
	KindDenyGrant Kind = "deny_grant"
	// KindForbidClusterGroups: no role may be granted a cluster-level privilege group
	// (built-in, or custom of cluster-level privileges).
	KindForbidClusterGroups Kind = "forbid_cluster_groups"
	// KindRequireRole: every user has at least one role besides public.
	KindRequireRole Kind = "require_role"
	// KindDenyEscalation: no user outside the exceptions holds admin, "*", All, a
	// cluster-level group or a user-management privilege (access.UserManagement).
	KindDenyEscalation Kind = "deny_escalation"
)

var kinds = []Kind{KindDeny, KindDenyGrant, KindForbidClusterGroups, KindRequireRole, KindDenyEscalation}

// Except names the users and roles a rule does not apply to: a user is exempt when it is
// listed or holds a listed role; a role is exempt when it is listed.
type Except struct {
	Users []string `yaml:"except_users"`
	Roles []string `yaml:"except_roles"`
}

// Deny is a deny rule: Privileges on Database (and Collection).
type Deny struct {
	Privilege  string   `yaml:"privilege"`
	Privileges []string `yaml:"privileges"`
	// Database is the database the rule protects; "*" (the default) means any database.
	Database string `yaml:"database"`
	// Collection narrows the rule to one collection; "" (the default) or "*" means any.
	Collection string `yaml:"collection"`
	Except     `yaml:",inline"`
}

// Names returns the privileges of the rule: Privilege and Privileges together.
func (d Deny) Names() []string {
	var out []string
	if d.Privilege != "" {
		out = append(out, d.Privilege)
	}
	return append(out, d.Privileges...)
}

// EscalationRule is a deny_escalation rule.
type EscalationRule struct {
	Except `yaml:",inline"`
}

// Rule is one rule of a policy file.
type Rule struct {
	// Name is the rule's name in the file; empty when it has none (Label then names it).
	Name        string
	Description string
	Kind        Kind
	// Index and Line locate the rule: rules[Index], at Line of the file.
	Index, Line int
	// Deny holds deny and deny_grant rules.
	Deny *Deny
	// Escalation holds a deny_escalation rule.
	Escalation *EscalationRule
	// Enabled is false for forbid_cluster_groups: false and require_role: false, which
	// check nothing.
	Enabled bool
}

// Label names the rule in messages: its name, or "rules[2] (deny)".
func (r Rule) Label() string {
	if r.Name != "" {
		return r.Name
	}
	return fmt.Sprintf("rules[%d] (%s)", r.Index, r.Kind)
}

// Policy is a loaded, validated policy file.
type Policy struct {
	// Path is the file as named by the caller.
	Path        string
	Version     int
	Description string
	Rules       []Rule
}

// Problem is one thing wrong with a policy file.
type Problem struct {
	File    string
	Line    int
	Message string
}

// String renders the problem as "policy.yaml:12: message", the form editors and CI
// annotations recognise.
func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Message)
}

// Problems is every problem of one policy file, sorted by line.
type Problems []Problem

// Error renders one problem per line.
func (ps *Problems) Error() string {
	lines := make([]string, len(*ps))
	for i, p := range *ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Load reads and parses the policy file at path.
func Load(path string) (*Policy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read policy file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read policy file %s: %w", path, err)
	}
	return Parse(path, data)
}

// file is the document as decoded strictly.
type file struct {
	Version     *int       `yaml:"version"`
	Description string     `yaml:"description"`
	Rules       []ruleYAML `yaml:"rules"`
}

type ruleYAML struct {
	Name                string          `yaml:"name"`
	Description         string          `yaml:"description"`
	Deny                *Deny           `yaml:"deny"`
	DenyGrant           *Deny           `yaml:"deny_grant"`
	ForbidClusterGroups *bool           `yaml:"forbid_cluster_groups"`
	RequireRole         *bool           `yaml:"require_role"`
	DenyEscalation      *EscalationRule `yaml:"deny_escalation"`
}

type parser struct {
	name  string
	probs Problems
}

func (p *parser) add(line int, format string, args ...any) {
	p.probs = append(p.probs, Problem{File: p.name, Line: line, Message: fmt.Sprintf(format, args...)})
}

// Parse parses and validates policy file data; name is how problems and Policy.Path refer to
// it. Every problem comes back at once as *Problems. The version is checked first: a file of
// another version is not checked against the rules of this one.
func Parse(name string, data []byte) (*Policy, error) {
	p := &parser{name: name}
	pol := p.parse(data)
	if len(p.probs) > 0 {
		sort.SliceStable(p.probs, func(i, j int) bool { return p.probs[i].Line < p.probs[j].Line })
		return nil, &p.probs
	}
	return pol, nil
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlProblems turns a yaml.v3 error into problems with lines.
func (p *parser) yamlProblems(err error) {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	for _, msg := range msgs {
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			p.add(n, "%s", m[2])
			continue
		}
		p.add(0, "%s", strings.TrimPrefix(msg, "yaml: "))
	}
}

func (p *parser) parse(data []byte) *Policy {
	if len(data) > MaxFileSize {
		p.add(0, "the file is larger than %d bytes", MaxFileSize)
		return nil
	}
	var docs []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			p.yamlProblems(err)
			return nil
		}
		docs = append(docs, &n)
	}
	switch {
	case len(docs) == 0:
		p.add(0, "the file is empty: a policy file starts with version: %d", Version)
		return nil
	case len(docs) > 1:
		p.add(docs[1].Line, "a policy file holds one YAML document; this is document 2")
		return nil
	}
	root := docs[0].Content[0]
	if root.Kind != yaml.MappingNode {
		p.add(root.Line, "a policy file is a mapping with version: and rules:")
		return nil
	}
	if v := value(root, "version"); v == nil {
		p.add(root.Line, "version is missing: add version: %d as the first line", Version)
		return nil
	} else if v.Value != strconv.Itoa(Version) || v.Tag != "!!int" {
		p.add(v.Line, "version %s is not supported: this build reads version %d", v.Value, Version)
		return nil
	}

	var f file
	sd := yaml.NewDecoder(bytes.NewReader(data))
	sd.KnownFields(true)
	if err := sd.Decode(&f); err != nil {
		p.yamlProblems(err)
		return nil
	}
	pol := &Policy{Path: p.name, Version: *f.Version, Description: f.Description}
	rulesNode := value(root, "rules")
	if len(f.Rules) == 0 {
		line := root.Line
		if rulesNode != nil {
			line = rulesNode.Line
		}
		p.add(line, "rules is missing or empty: a policy needs at least one rule")
		return nil
	}
	names := map[string]int{}
	for i, ry := range f.Rules {
		item := rulesNode.Content[i]
		r := p.rule(i, item, ry)
		if r.Name != "" {
			if first, dup := names[r.Name]; dup {
				p.add(item.Line, "rule name %q is already used by the rule at line %d", r.Name, first)
			} else {
				names[r.Name] = item.Line
			}
		}
		pol.Rules = append(pol.Rules, r)
	}
	return pol
}

// value returns the value node of key in mapping n, nil when absent.
func value(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// lineOf returns the line of the value at keys under n, or of n when a key is absent.
func lineOf(n *yaml.Node, keys ...string) int {
	for _, k := range keys {
		v := value(n, k)
		if v == nil {
			return n.Line
		}
		n = v
	}
	return n.Line
}

func (p *parser) rule(i int, item *yaml.Node, ry ruleYAML) Rule {
	r := Rule{Name: ry.Name, Description: ry.Description, Index: i, Line: item.Line}
	var set []Kind
	if ry.Deny != nil {
		set = append(set, KindDeny)
	}
	if ry.DenyGrant != nil {
		set = append(set, KindDenyGrant)
	}
	if ry.ForbidClusterGroups != nil {
		set = append(set, KindForbidClusterGroups)
	}
	if ry.RequireRole != nil {
		set = append(set, KindRequireRole)
	}
	if ry.DenyEscalation != nil {
		set = append(set, KindDenyEscalation)
	}
	if len(set) != 1 {
		names := make([]string, len(kinds))
		for j, k := range kinds {
			names[j] = string(k)
		}
		p.add(item.Line, "rules[%d] must hold exactly one of %s; it holds %d", i, strings.Join(names, ", "), len(set))
		return r
	}
	r.Kind = set[0]
	switch r.Kind {
	case KindDeny:
		r.Deny = ry.Deny
		p.deny(item, string(r.Kind), r.Deny, false)
	case KindDenyGrant:
		r.Deny = ry.DenyGrant
		p.deny(item, string(r.Kind), r.Deny, true)
	case KindForbidClusterGroups:
		r.Enabled = *ry.ForbidClusterGroups
	case KindRequireRole:
		r.Enabled = *ry.RequireRole
	case KindDenyEscalation:
		r.Escalation = ry.DenyEscalation
		r.Enabled = true
	}
	if r.Kind == KindDeny || r.Kind == KindDenyGrant {
		r.Enabled = true
	}
	return r
}

// deny checks a deny or deny_grant rule and fills in its defaults.
func (p *parser) deny(item *yaml.Node, key string, d *Deny, grant bool) {
	names := d.Names()
	if len(names) == 0 {
		p.add(lineOf(item, key), "%s needs privilege: or privileges:", key)
	}
	for _, n := range names {
		line := lineOf(item, key, "privilege")
		if d.Privilege != n {
			line = lineOf(item, key, "privileges")
		}
		group := privilege.IsBuiltinGroup(n) || privilege.IsLegacyGroup(n)
		switch {
		case n == "":
			p.add(line, "a privilege name must not be empty")
		case !grant && (group || n == privilege.Wildcard || n == "All"):
			p.add(line, "deny names single privileges, and %q is not one: to forbid granting it, use deny_grant", n)
		case !grant && !privilege.Known(n):
			p.add(line, "unknown privilege %q", n)
		case grant && !privilege.Known(n) && !validGroupName(n):
			p.add(line, "%q is neither a privilege nor a valid privilege group name", n)
		}
	}
	if d.Database == "" {
		d.Database = privilege.Wildcard
	}
	if d.Collection == privilege.Wildcard {
		d.Collection = ""
	}
	if strings.Contains(d.Database, ".") {
		p.add(lineOf(item, key, "database"), "database %q names a collection: put it in collection:", d.Database)
	}
}

// validGroupName is Milvus's rule for privilege group names: a letter or _ first, then
// letters, digits and _.
var validGroupName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`).MatchString
