package spec

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/milvus-rbac/milvus-rbac/privilege"
)

// Encode writes s as a spec file in the canonical layout: the yaml-language-server comment,
// version, mode, password_policy when it is not the default, then protect, privilege_groups,
// roles and users, each section after a blank line and sorted by name.
//
// The output is made to be read and kept: defaults are omitted (a database equal to the
// privilege's default, a collection or user of "*"), and the grants Milvus adds by itself
// (GetLoadState and GetLoadingProgress beside Load, GetFlushState beside Flush) are left
// out, as Parse drops them too. For every State that Parse can produce, Parse(Encode(s))
// gives the same State back.
//
// Encode writes what it is given and does not validate it. Live states can hold grants no
// valid file can express: a collection on a privilege of database or cluster level (made
// through grant_privilege_v2; Milvus checks those privileges on "*", so such a grant grants
// nothing), a v1 group (ReadOnly, ReadWrite, Admin), a privilege group with no members.
// Encode writes them as they are, and Parse then refuses them with a message that says what
// to do, rather than Encode dropping access silently.
func Encode(w io.Writer, s *Spec) error {
	b, err := Marshal(s)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// Marshal returns s as a spec file; see Encode.
func Marshal(s *Spec) ([]byte, error) {
	var buf bytes.Buffer
	ref := s.Schema
	if ref == "" {
		ref = DefaultSchemaRef
	}
	if !s.NoSchemaComment {
		fmt.Fprintf(&buf, "# yaml-language-server: $schema=%s\n", ref)
	}
	mode := s.Mode
	if mode == "" {
		mode = ModeAdopt
	}
	head := mapping("version", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(KnownVersions[len(KnownVersions)-1])},
		"mode", str(string(mode)))
	if s.PasswordPolicy != "" && s.PasswordPolicy != PolicyZilliz {
		head.Content = append(head.Content, str("password_policy"), str(s.PasswordPolicy))
	}
	sections := []*yaml.Node{head}
	if p := s.Protect; len(p.Users)+len(p.Roles)+len(p.Groups) > 0 {
		m := mapping()
		for _, kv := range []struct {
			key  string
			pats []string
		}{{"users", p.Users}, {"roles", p.Roles}, {"privilege_groups", p.Groups}} {
			if len(kv.pats) > 0 {
				m.Content = append(m.Content, str(kv.key), strList(kv.pats))
			}
		}
		sections = append(sections, mapping("protect", m))
	}
	st := s.State
	if st == nil {
		st = NewState()
	}
	if len(st.Groups) > 0 {
		seq := blockSeq()
		for _, n := range st.GroupNames() {
			seq.Content = append(seq.Content, groupNode(st.Groups[n]))
		}
		sections = append(sections, mapping("privilege_groups", seq))
	}
	if len(st.Roles) > 0 {
		seq := blockSeq()
		for _, n := range st.RoleNames() {
			seq.Content = append(seq.Content, roleNode(st.Roles[n], st))
		}
		sections = append(sections, mapping("roles", seq))
	}
	if len(st.Users) > 0 {
		seq := blockSeq()
		for _, n := range st.UserNames() {
			seq.Content = append(seq.Content, userNode(st.Users[n]))
		}
		sections = append(sections, mapping("users", seq))
	}
	for i, sec := range sections {
		if i > 0 {
			buf.WriteByte('\n')
		}
		if err := encodeNode(&buf, sec); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// EncodeGroup writes g as the mapping it has under privilege_groups in a spec file, so that
// a desired and a live group can be shown and diffed as the user would write them.
func EncodeGroup(w io.Writer, g *PrivilegeGroup) error { return encodeNode(w, groupNode(g)) }

// EncodeRole writes r as the mapping it has under roles in a spec file. groups holds the
// custom groups r's grants may name: a group's level decides the database a grant of it
// defaults to, hence whether database is written. A nil map writes every database that is
// not "default".
func EncodeRole(w io.Writer, r *Role, groups map[string]*PrivilegeGroup) error {
	return encodeNode(w, roleNode(r, &State{Groups: groups}))
}

// EncodeUser writes u as the mapping it has under users in a spec file.
func EncodeUser(w io.Writer, u *User) error { return encodeNode(w, userNode(u)) }

func encodeNode(w io.Writer, n *yaml.Node) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return fmt.Errorf("encode spec: %w", err)
	}
	return enc.Close()
}

func groupNode(g *PrivilegeGroup) *yaml.Node {
	m := mapping("name", str(g.Name))
	describe(m, g.Description)
	m.Content = append(m.Content, str("privileges"), strList(SortNames(slices.Clone(g.Privileges))))
	return m
}

func roleNode(r *Role, st *State) *yaml.Node {
	m := mapping("name", str(r.Name))
	describe(m, r.Description)
	grants := SortGrants(CollapseImplied(r.Grants))
	if len(grants) == 0 {
		return m
	}
	seq := blockSeq()
	for _, g := range grants {
		gm := mapping("privilege", str(g.Privilege))
		if g.Database != st.DefaultDatabase(g.Privilege) {
			gm.Content = append(gm.Content, str("database"), str(g.Database))
		}
		if g.Object != privilege.Wildcard {
			key := "collection"
			if g.ObjectType == privilege.ObjectUser {
				key = "user"
			}
			gm.Content = append(gm.Content, str(key), str(g.Object))
		}
		seq.Content = append(seq.Content, gm)
	}
	m.Content = append(m.Content, str("grants"), seq)
	return m
}

func userNode(u *User) *yaml.Node {
	m := mapping("name", str(u.Name))
	describe(m, u.Description)
	for _, s := range []struct {
		key string
		ref *Secret
	}{{"password", u.Password}, {"previous_password", u.PreviousPassword}} {
		if s.ref == nil {
			continue
		}
		pm := mapping()
		pm.Style = yaml.FlowStyle
		if s.ref.Env != "" {
			pm.Content = append(pm.Content, str("env"), str(s.ref.Env))
		}
		if s.ref.File != "" {
			pm.Content = append(pm.Content, str("file"), str(s.ref.File))
		}
		m.Content = append(m.Content, str(s.key), pm)
	}
	if len(u.Roles) > 0 {
		m.Content = append(m.Content, str("roles"), strList(SortNames(slices.Clone(u.Roles))))
	}
	return m
}

// describe adds the description key to m when d is set.
func describe(m *yaml.Node, d string) {
	if d != "" {
		m.Content = append(m.Content, str("description"), str(d))
	}
}

// mapping builds a mapping node from alternating keys (strings) and value nodes.
func mapping(kv ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(kv); i += 2 {
		m.Content = append(m.Content, str(kv[i].(string)), kv[i+1].(*yaml.Node))
	}
	return m
}

func blockSeq() *yaml.Node { return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"} }

// str is a string scalar. "*" is double-quoted, as the documentation writes it (unquoted it
// would start an alias).
func str(v string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
	if v == privilege.Wildcard {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// strList is a list of strings, on one line when it is short enough to read that way.
func strList(vs []string) *yaml.Node {
	seq := blockSeq()
	width := 0
	for _, v := range vs {
		seq.Content = append(seq.Content, str(v))
		width += len(v) + 2
	}
	if width <= 72 {
		seq.Style = yaml.FlowStyle
	}
	return seq
}
