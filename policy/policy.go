package policy

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/problem"
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
	Users []string
	Roles []string
}

// Deny is a deny rule: Privileges on Database (and Collection).
type Deny struct {
	Privilege  string
	Privileges []string
	// Database is the database the rule protects; "*" (the default) means any database.
	Database string
	// Collection narrows the rule to one collection; "" (the default) or "*" means any.
	Collection string
	Except
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
	Except
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

// Problem is one thing wrong with a policy file: file, line, YAML path and message, the same
// type as a spec file's.
type Problem = problem.Problem

// Problems is every problem of one policy file, sorted by line.
type Problems = problem.Problems

// Load reads and parses the policy file at path. It reads at most MaxFileSize+1 bytes.
func Load(path string) (*Policy, error) {
	data, err := limits.ReadFile(path, "policy file")
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Keys of each mapping of the file.
var (
	topKeys    = []string{"version", "description", "rules"}
	ruleKeys   = []string{"name", "description", "deny", "deny_grant", "forbid_cluster_groups", "require_role", "deny_escalation"}
	denyKeys   = []string{"privilege", "privileges", "database", "collection", "except_users", "except_roles"}
	exceptKeys = []string{"except_users", "except_roles"}
)

// limits bound a policy file as spec files are bounded: the deepest valid value (an item of
// a rule's privileges) is at depth 6 counting the document.
var limits = problem.Limits{MaxSize: MaxFileSize, MaxDepth: 16, Need: 6}

// parser reads one policy file with the strict YAML reader spec files use.
type parser struct {
	*problem.Reader
}

// Parse parses and validates policy file data; name is how problems and Policy.Path refer to
// it. Every problem comes back at once as *Problems, each with its line and YAML path. The
// version is checked first: a file of another version is not checked against the rules of
// this one.
func Parse(name string, data []byte) (*Policy, error) {
	p := &parser{Reader: &problem.Reader{File: name, Kind: "policy file"}}
	pol := p.parse(data)
	if err := p.Err(); err != nil {
		return nil, err
	}
	return pol, nil
}

func (p *parser) parse(data []byte) *Policy {
	root := p.Document(data, limits, topKeys, []int{Version})
	if root == nil {
		return nil
	}
	top, _ := p.Fields(root, "", false, topKeys)
	pol := &Policy{Path: p.File, Version: Version}
	if f, ok := top["description"]; ok {
		pol.Description, _ = p.Str(f.Val, "description")
	}
	rf, ok := top["rules"]
	var items []*yaml.Node
	if ok {
		items = p.List(rf.Val, "rules")
	}
	if len(items) == 0 {
		if !ok {
			p.AddAt(root, "", "rules is missing: a policy needs at least one rule")
		} else if rf.Val.Kind != yaml.ScalarNode || rf.Val.Tag == "!!null" {
			p.AddAt(rf.Val, "rules", "a policy needs at least one rule")
		}
		return nil
	}
	names := map[string]int{}
	for i, item := range items {
		r := p.rule(i, item)
		if r.Name != "" {
			if first, dup := names[r.Name]; dup {
				p.AddAt(item, problem.Join(problem.Index("rules", i), "name"), "rule name %q is already used by the rule at line %d", r.Name, first)
			} else {
				names[r.Name] = item.Line
			}
		}
		pol.Rules = append(pol.Rules, r)
	}
	return pol
}

func (p *parser) rule(i int, item *yaml.Node) Rule {
	path := problem.Index("rules", i)
	r := Rule{Index: i, Line: item.Line}
	f, ok := p.Fields(item, path, false, ruleKeys)
	if !ok {
		return r
	}
	if nf, has := f["name"]; has {
		r.Name, _ = p.Str(nf.Val, problem.Join(path, "name"))
	}
	if df, has := f["description"]; has {
		r.Description, _ = p.Str(df.Val, problem.Join(path, "description"))
	}
	var set []Kind
	for _, k := range kinds {
		if _, has := f[string(k)]; has {
			set = append(set, k)
		}
	}
	if len(set) != 1 {
		names := make([]string, len(kinds))
		for j, k := range kinds {
			names[j] = string(k)
		}
		p.AddAt(item, path, "a rule holds exactly one of %s; this one holds %d", strings.Join(names, ", "), len(set))
		return r
	}
	r.Kind = set[0]
	v, kp := f[string(r.Kind)].Val, problem.Join(path, string(r.Kind))
	switch r.Kind {
	case KindDeny, KindDenyGrant:
		r.Deny = p.deny(v, kp, r.Kind == KindDenyGrant)
		r.Enabled = true
	case KindForbidClusterGroups, KindRequireRole:
		r.Enabled, _ = p.Bool(v, kp)
	case KindDenyEscalation:
		r.Escalation = &EscalationRule{}
		if v.Kind != yaml.ScalarNode || v.Tag != "!!null" {
			if ef, ok := p.Fields(v, kp, false, exceptKeys); ok {
				r.Escalation.Except = p.except(ef, kp)
			}
		}
		r.Enabled = true
	}
	return r
}

// except reads except_users and except_roles.
func (p *parser) except(f map[string]problem.Field, path string) Except {
	var e Except
	read := func(key string) []string {
		var out []string
		if kf, has := f[key]; has {
			for _, n := range p.StrList(kf.Val, problem.Join(path, key)) {
				out = append(out, n.Value)
			}
		}
		return out
	}
	e.Users, e.Roles = read("except_users"), read("except_roles")
	return e
}

// deny reads and checks a deny or deny_grant rule and fills in its defaults.
func (p *parser) deny(n *yaml.Node, path string, grant bool) *Deny {
	d := &Deny{}
	f, ok := p.Fields(n, path, false, denyKeys)
	if !ok {
		return d
	}
	var names []problem.Named
	if pf, has := f["privilege"]; has {
		if v, ok := p.Str(pf.Val, problem.Join(path, "privilege")); ok {
			d.Privilege = v
			names = append(names, problem.Named{Value: v, Node: pf.Val, Path: problem.Join(path, "privilege")})
		}
	}
	if pf, has := f["privileges"]; has {
		for _, nm := range p.StrList(pf.Val, problem.Join(path, "privileges")) {
			d.Privileges = append(d.Privileges, nm.Value)
			names = append(names, nm)
		}
	}
	if len(names) == 0 {
		p.AddAt(n, path, "needs privilege: or privileges:")
	}
	for _, nm := range names {
		group := privilege.IsBuiltinGroup(nm.Value) || privilege.IsLegacyGroup(nm.Value)
		switch {
		case nm.Value == "":
			p.AddAt(nm.Node, nm.Path, "a privilege name must not be empty")
		case !grant && (group || nm.Value == privilege.Wildcard || nm.Value == "All"):
			p.AddAt(nm.Node, nm.Path, "deny names single privileges, and %q is not one: to forbid granting it, use deny_grant", nm.Value)
		case !grant && !privilege.Known(nm.Value):
			p.AddAt(nm.Node, nm.Path, "unknown privilege %q%s", nm.Value, problem.DidYouMean(nm.Value, privilege.Singles()))
		case grant && !privilege.Known(nm.Value) && !validGroupName(nm.Value):
			p.AddAt(nm.Node, nm.Path, "%q is neither a privilege nor a valid privilege group name%s", nm.Value, problem.DidYouMean(nm.Value, privilege.Names()))
		case grant && !privilege.Known(nm.Value) && problem.Suggest(nm.Value, privilege.Names()) != "":
			// A custom group may have any valid name, but one a typo away from a privilege
			// is almost always the privilege mistyped: a rule on it would forbid nothing.
			p.AddAt(nm.Node, nm.Path, "unknown privilege %q%s; a custom privilege group name this close to a privilege is refused as a likely typo",
				nm.Value, problem.DidYouMean(nm.Value, privilege.Names()))
		}
	}
	if df, has := f["database"]; has {
		if v, ok := p.Str(df.Val, problem.Join(path, "database")); ok {
			d.Database = v
			if strings.Contains(v, ".") {
				p.AddAt(df.Val, problem.Join(path, "database"), "database %q names a collection: put it in collection:", v)
			}
		}
	}
	if cf, has := f["collection"]; has {
		d.Collection, _ = p.Str(cf.Val, problem.Join(path, "collection"))
	}
	d.Except = p.except(f, path)
	if d.Database == "" {
		d.Database = privilege.Wildcard
	}
	if d.Collection == privilege.Wildcard {
		d.Collection = ""
	}
	return d
}

// validGroupName is Milvus's rule for privilege group names: a letter or _ first, then
// letters, digits and _.
var validGroupName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`).MatchString
