package spec

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/milvus-rbac/milvus-rbac/problem"

	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/release"
)

// Keys of each mapping of the file, in the order Encode writes them.
var (
	topKeys     = []string{"version", "mode", "password_policy", "protect", "privilege_groups", "roles", "users", "variables", "templates", "instances"}
	protectKeys = []string{"users", "roles", "privilege_groups"}
	groupKeys   = []string{"name", "description", "privileges"}
	roleKeys    = []string{"name", "description", "grants"}
	grantKeys   = []string{"privilege", "database", "collection", "user"}
	userKeys    = []string{"name", "description", "password", "previous_password", "roles"}
	secretKeys  = []string{"env", "file"}
)

// Modes and PasswordPolicies list the accepted values of mode and password_policy, the
// default first.
var (
	Modes            = []Mode{ModeAdopt, ModeAdditive, ModeAuthoritative}
	PasswordPolicies = []string{PolicyZilliz, PolicyMilvus}
)

// legacyReplacement names the v2 built-in group to use instead of each v1 group: the v1
// groups only work through grant_privilege (v1), which this tool does not use.
var legacyReplacement = map[string]string{
	"ReadOnly":  "CollectionReadOnly",
	"ReadWrite": "CollectionReadWrite",
	"Admin":     "ClusterAdmin",
}

type (
	field = problem.Field
	named = problem.Named
)

var (
	join   = problem.Join
	index  = problem.Index
	kindOf = problem.KindOf
)

// name reads the required name key of an object.
func (l *loader) name(item *yaml.Node, f map[string]field, p string) (named, bool) {
	nf, ok := f["name"]
	if !ok {
		l.AddAt(item, p, "name is missing")
		return named{}, false
	}
	v, ok := l.Str(nf.Val, join(p, "name"))
	return named{Value: v, Node: nf.Val, Path: join(p, "name")}, ok
}

// decode reads the document strictly and validates it section by section: groups before
// roles (grants name groups), roles before users (users name roles).
func (l *loader) decode(root *yaml.Node) *Spec {
	top, _ := l.Fields(root, "", false, topKeys)
	s := &Spec{Version: 1, Mode: ModeAdopt, PasswordPolicy: PolicyZilliz, State: NewState()}
	if f, ok := top["mode"]; ok {
		if v, ok := l.Str(f.Val, "mode"); ok {
			if slices.Contains(Modes, Mode(v)) {
				s.Mode = Mode(v)
			} else {
				l.AddAt(f.Val, "mode", "unknown mode %q (known modes: additive, adopt, authoritative)", v)
			}
		}
	}
	if f, ok := top["password_policy"]; ok {
		if v, ok := l.Str(f.Val, "password_policy"); ok {
			if slices.Contains(PasswordPolicies, v) {
				s.PasswordPolicy = v
			} else {
				l.AddAt(f.Val, "password_policy", "unknown password policy %q (known policies: zilliz, milvus)", v)
			}
		}
	}
	l.policy = s.PasswordPolicy
	if f, ok := top["protect"]; ok {
		s.Protect = l.decodeProtect(f.Val)
	}
	d := &decoder{loader: l, spec: s}
	if f, ok := top["privilege_groups"]; ok {
		d.decodeGroups(f.Val)
	}
	if f, ok := top["roles"]; ok {
		d.decodeRoles(f.Val)
	}
	if f, ok := top["users"]; ok {
		d.decodeUsers(f.Val)
	}
	return s
}

func (l *loader) decodeProtect(n *yaml.Node) Protect {
	var out Protect
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return out
	}
	f, ok := l.Fields(n, "protect", false, protectKeys)
	if !ok {
		return out
	}
	read := func(key string) []string {
		fv, ok := f[key]
		if !ok {
			return nil
		}
		var pats []string
		for _, p := range l.StrList(fv.Val, join("protect", key)) {
			if p.Value == "" {
				l.AddAt(p.Node, p.Path, "a pattern must not be empty")
				continue
			}
			if _, err := path.Match(p.Value, ""); err != nil {
				l.AddAt(p.Node, p.Path, "invalid pattern %q: %v (patterns use path.Match syntax: *, ?, [a-z])", p.Value, err)
				continue
			}
			pats = append(pats, p.Value)
		}
		return pats
	}
	out.Users = read("users")
	out.Roles = read("roles")
	out.Groups = read("privilege_groups")
	return out
}

// decoder holds what one section of the file tells the next.
type decoder struct {
	*loader
	spec *Spec
	// roleNames holds every role name of the file, valid or not, so that a user naming a
	// role whose definition has a problem gets one problem, not two.
	roleNames []string
	// groupNames likewise for privilege groups; groups holds their valid members.
	groupNames []string
	groups     map[string][]string
}

// protectedWhy says why a name of the file is protected, or "" when it is not.
func protectedWhy(kind, name string, builtin bool, section string, patterns []string) string {
	if builtin {
		return fmt.Sprintf("%s %q is built-in, so it is protected: it is never created, changed or dropped; remove it from the file", kind, name)
	}
	for _, pat := range patterns {
		if ok, _ := path.Match(pat, name); ok {
			return fmt.Sprintf("%s %q matches protect.%s pattern %q, so it is protected: it is never created, changed or dropped; remove it from the file or from protect", kind, name, section, pat)
		}
	}
	return ""
}

// firstSeen records names and reports the second occurrence of one.
type firstSeen map[string]*yaml.Node

func (d *decoder) unique(seen firstSeen, n named, what string) bool {
	if first, dup := seen[n.Value]; dup {
		d.AddAt(n.Node, n.Path, "%s %q is listed twice (first at %s)", what, n.Value, d.at(first, n.Node))
		return false
	}
	seen[n.Value] = n.Node
	return true
}

// source records where the object of kind and name was written.
func (d *decoder) source(kind string, n named) {
	if d.spec.sources == nil {
		d.spec.sources = map[string]Source{}
	}
	o := d.origins[n.Node]
	d.spec.sources[kind+"\x00"+n.Value] = Source{File: d.fileOf(n.Node), Line: n.Node.Line, Template: o.note}
}

// description reads an object's optional description.
func (d *decoder) description(f map[string]field, p string) string {
	df, ok := f["description"]
	if !ok {
		return ""
	}
	v, ok := d.Str(df.Val, join(p, "description"))
	if ok && len(v) > MaxDescription {
		d.AddAt(df.Val, join(p, "description"), "a description is at most %d bytes, not %d", MaxDescription, len(v))
	}
	return v
}

func (d *decoder) decodeGroups(n *yaml.Node) {
	seen := firstSeen{}
	d.groups = map[string][]string{}
	for i, item := range d.List(n, "privilege_groups") {
		p := d.itemPath("privilege_groups", i, item)
		f, ok := d.Fields(item, p, false, groupKeys)
		if !ok {
			continue
		}
		name, ok := d.name(item, f, p)
		if ok {
			d.groupNames = append(d.groupNames, name.Value)
			ok = d.checkGroupName(name) && d.unique(seen, name, "privilege group")
		}
		privs := d.groupPrivileges(item, f, p)
		if ok && d.release != nil {
			d.refuseWithout(name, release.PrivilegeGroups, "custom privilege groups; list the privileges in the grants instead")
		}
		desc := d.description(f, p)
		if ok {
			d.groups[name.Value] = privs
			d.spec.State.Groups[name.Value] = &PrivilegeGroup{Name: name.Value, Description: desc, Privileges: SortNames(slices.Clone(privs))}
			d.source(KindGroup, name)
		}
	}
}

func (d *decoder) checkGroupName(n named) bool {
	if msg := groupNameRule.check(n.Value); msg != "" {
		d.AddAt(n.Node, n.Path, "%s", msg)
		return false
	}
	if why := protectedWhy("privilege group", n.Value, isBuiltinGroupName(n.Value), "privilege_groups", d.spec.Protect.Groups); why != "" {
		d.AddAt(n.Node, n.Path, "%s", why)
		return false
	}
	if privilege.Known(n.Value) {
		d.AddAt(n.Node, n.Path, "%q is the name of a built-in privilege; a privilege group needs a name of its own", n.Value)
		return false
	}
	return true
}

// groupPrivileges reads and checks a group's members: known single privileges, each once,
// all of one level (Milvus 3.0 refuses a group that mixes levels, and the level decides
// where the group may be granted).
func (d *decoder) groupPrivileges(item *yaml.Node, f map[string]field, p string) []string {
	pf, ok := f["privileges"]
	if !ok {
		d.AddAt(item, p, "privileges is missing: a privilege group needs at least one privilege")
		return nil
	}
	pp := join(p, "privileges")
	nodes := d.List(pf.Val, pp)
	if len(nodes) == 0 {
		if pf.Val.Kind == yaml.SequenceNode || pf.Val.Tag == "!!null" {
			d.AddAt(pf.Val, pp, "a privilege group needs at least one privilege")
		}
		return nil
	}
	seen := firstSeen{}
	var privs []string
	levelOf := map[privilege.Level]string{} // level -> first member of that level
	for i, node := range nodes {
		v, ok := d.Str(node, index(pp, i))
		if !ok {
			continue
		}
		m := named{Value: v, Node: node, Path: index(pp, i)}
		switch {
		case m.Value == privilege.Wildcard:
			d.AddAt(m.Node, m.Path, `"*" cannot be a member of a privilege group: list the privileges`)
		case m.Value == "All":
			// All has no level; every release with custom groups refuses it beside other
			// members, and from 2.5.4 a group whose first member is All cannot be granted.
			d.AddAt(m.Node, m.Path, `"All" cannot be a member of a custom privilege group (Milvus refuses it: it has no level): grant All to the role directly`)
		case privilege.IsBuiltinGroup(m.Value) || privilege.IsLegacyGroup(m.Value) || slices.Contains(d.groupNames, m.Value):
			d.AddAt(m.Node, m.Path, "%q is a privilege group; a group cannot contain groups: list its privileges", m.Value)
		case !privilege.Known(m.Value):
			d.AddAt(m.Node, m.Path, "unknown privilege %q%s", m.Value, problem.DidYouMean(m.Value, privilege.Singles()))
		case d.unique(seen, m, "privilege"):
			privs = append(privs, m.Value)
			if l := privilege.LevelOf(m.Value); l != privilege.LevelNone {
				if _, ok := levelOf[l]; !ok {
					levelOf[l] = m.Value
				}
			}
		}
	}
	if len(levelOf) > 1 {
		var parts []string
		for _, l := range []privilege.Level{privilege.LevelCollection, privilege.LevelDatabase, privilege.LevelCluster} {
			if m, ok := levelOf[l]; ok {
				parts = append(parts, fmt.Sprintf("%s is %s-level", m, l))
			}
		}
		d.AddAt(pf.Val, pp, "privileges of different levels cannot share a group (Milvus refuses it): %s", strings.Join(parts, ", "))
	}
	return privs
}

func (d *decoder) decodeRoles(n *yaml.Node) {
	seen := firstSeen{}
	for i, item := range d.List(n, "roles") {
		p := d.itemPath("roles", i, item)
		f, ok := d.Fields(item, p, false, roleKeys)
		if !ok {
			continue
		}
		name, ok := d.name(item, f, p)
		if ok {
			d.roleNames = append(d.roleNames, name.Value)
			ok = d.checkRoleName(name) && d.unique(seen, name, "role")
		}
		var grants []Grant
		if gf, has := f["grants"]; has {
			grants = d.grants(gf.Val, join(p, "grants"))
		}
		desc := d.description(f, p)
		if ok {
			d.spec.State.Roles[name.Value] = &Role{Name: name.Value, Description: desc, Grants: SortGrants(CollapseImplied(grants))}
			d.source(KindRole, name)
		}
	}
}

func (d *decoder) checkRoleName(n named) bool {
	if msg := roleNameRule.check(n.Value); msg != "" {
		d.AddAt(n.Node, n.Path, "%s", msg)
		return false
	}
	builtin := n.Value == AdminRole || n.Value == PublicRole
	if why := protectedWhy("role", n.Value, builtin, "roles", d.spec.Protect.Roles); why != "" {
		d.AddAt(n.Node, n.Path, "%s", why)
		return false
	}
	return true
}

func (d *decoder) grants(n *yaml.Node, p string) []Grant {
	type at struct {
		index, line int
	}
	seen := map[Grant]at{}
	var out []Grant
	for i, item := range d.List(n, p) {
		gp := index(p, i)
		g, ok := d.grant(item, gp)
		if !ok {
			continue
		}
		if first, dup := seen[g]; dup {
			d.AddAt(item, gp, "duplicate grant: %s is already granted by %s (line %d)", g, index(p, first.index), first.line)
			continue
		}
		seen[g] = at{i, item.Line}
		out = append(out, g)
	}
	return out
}

// levelWhere says what a privilege of a level applies to, for messages.
var levelWhere = map[privilege.Level]string{
	privilege.LevelDatabase: "a whole database",
	privilege.LevelCluster:  "the whole cluster",
}

// grant reads one grant, applies the defaults and checks the object fields against the
// privilege: which of collection and user it may name depends on its object type and level.
func (d *decoder) grant(item *yaml.Node, p string) (Grant, bool) {
	f, ok := d.Fields(item, p, false, grantKeys)
	if !ok {
		return Grant{}, false
	}
	valid := true
	read := func(key string, rule nameRule) (named, bool) {
		kf, has := f[key]
		if !has {
			return named{}, false
		}
		kp := join(p, key)
		v, ok := d.Str(kf.Val, kp)
		if !ok {
			valid = false
			return named{}, false
		}
		if v != privilege.Wildcard {
			if msg := rule.check(v); msg != "" {
				d.AddAt(kf.Val, kp, "%s", msg)
				valid = false
			}
		}
		return named{Value: v, Node: kf.Val, Path: kp}, true
	}
	db, hasDB := read("database", databaseNameRule)
	coll, hasColl := read("collection", collectionNameRule)
	user, hasUser := read("user", d.userRule())

	pf, has := f["privilege"]
	if !has {
		d.AddAt(item, p, "privilege is missing")
		return Grant{}, false
	}
	pp := join(p, "privilege")
	priv, ok := d.Str(pf.Val, pp)
	if !ok {
		return Grant{}, false
	}
	var (
		level   privilege.Level
		isGroup bool
	)
	switch members, custom := d.groups[priv]; {
	case priv == "":
		d.AddAt(pf.Val, pp, "privilege must not be empty")
		return Grant{}, false
	case privilege.IsLegacyGroup(priv):
		d.AddAt(pf.Val, pp, "%q is a v1 privilege group, usable only through the v1 API; use %q instead", priv, legacyReplacement[priv])
		return Grant{}, false
	case privilege.Known(priv):
		level = privilege.LevelOf(priv)
		isGroup = privilege.IsBuiltinGroup(priv)
	case custom || slices.Contains(d.groupNames, priv):
		level = MembersLevel(members)
		isGroup = true
	case d.spec.Protect.Group(priv):
		// A protected custom group exists outside the file (the plan checks that it does);
		// its members, hence its level, are unknown here.
		isGroup = true
	default:
		d.AddAt(pf.Val, pp, "unknown privilege %q%s", priv, problem.DidYouMean(priv, d.grantable()))
		return Grant{}, false
	}
	what := "privilege"
	if isGroup {
		what = "privilege group"
	}
	isUser := privilege.ObjectType(priv) == privilege.ObjectUser
	if hasUser && !isUser {
		d.AddAt(user.Node, user.Path, "%q is not a User privilege: only SelectUser and UpdateUser name a user", priv)
		valid = false
	}
	if valid && hasUser && isUser && user.Value != privilege.Wildcard && collectionNameRule.check(user.Value) != "" {
		// The grant path validates its object name as a collection name in every release,
		// though user names may hold "." and "-" from 2.6.0 (proxy/util.go).
		d.AddAt(user.Node, user.Path, "Milvus cannot grant %s on user %q: it checks the object of a grant as a collection name (letters, digits, _ and $); grant on user \"*\" or rename the user", priv, user.Value)
		valid = false
	}
	if hasColl && coll.Value != privilege.Wildcard {
		switch {
		case isUser:
			d.AddAt(coll.Node, coll.Path, "%q is a User privilege: name a user with user:, not a collection", priv)
			valid = false
		case level == privilege.LevelDatabase || level == privilege.LevelCluster:
			d.AddAt(coll.Node, coll.Path, "%q is a %s-level %s: it applies to %s, so it names no collection", priv, level, what, levelWhere[level])
			valid = false
		}
	}
	database := defaultDatabase(level)
	if hasDB {
		database = db.Value
		if isGroup && level == privilege.LevelCluster && database != privilege.Wildcard {
			d.AddAt(db.Node, db.Path, `%q is a cluster-level privilege group: Milvus grants it only on database "*"; remove database`, priv)
			valid = false
		}
	}
	object := privilege.Wildcard
	switch {
	case hasUser:
		object = user.Value
	case hasColl:
		object = coll.Value
	}
	if isGroup && level == privilege.LevelCollection && database == privilege.Wildcard && hasColl && coll.Value != privilege.Wildcard {
		d.AddAt(coll.Node, coll.Path, `%q is a collection-level privilege group: on database "*" Milvus grants it only on collection "*"; name a database`, priv)
		valid = false
	}
	if valid && d.release != nil && privilege.IsBuiltinGroup(priv) {
		d.refuseWithout(named{Value: priv, Node: pf.Val, Path: pp}, release.GrantV2,
			fmt.Sprintf("built-in privilege groups; grant the privileges of %s one by one", priv))
	}
	if valid && d.release != nil && database == privilege.Wildcard && object != privilege.Wildcard {
		where := coll
		if hasUser {
			where = user
		}
		kind := map[bool]string{true: "user", false: "collection"}[hasUser]
		d.refuseOnRelease(where, release.ResolveAliasInGrants, fmt.Sprintf(
			`a grant on database "*" cannot name %s %q: the server looks the name up in a database called "*" and answers "database not found"; add database: default (or another database), or grant on %s "*"`,
			kind, object, kind))
	}
	return NewGrant(priv, database, object), valid
}

// refuseWithout adds a problem at n when none of the file's releases (CheckRelease) has
// behaviour b, which brings what: "custom privilege groups; list the privileges instead".
// When only some have it, the server's own answer decides: a missing route is a 404 that
// apply reports with the release needed.
func (d *decoder) refuseWithout(n named, b release.Behaviour, what string) {
	if d.release.Has(b) == release.No {
		d.AddAt(n.Node, n.Path, "Milvus %s has no %s (%s has)", d.release, what, release.Need(b))
	}
}

// refuseOnRelease adds why at n when the file's releases (CheckRelease) have behaviour b,
// naming the releases; when only some of them have it, it says how to state the release.
func (d *decoder) refuseOnRelease(n named, b release.Behaviour, why string) {
	switch d.release.Has(b) {
	case release.Yes:
		d.AddAt(n.Node, n.Path, "%s refuses this: %s", release.Need(b), why)
	case release.Maybe:
		d.AddAt(n.Node, n.Path, "%s refuses this, and the server's release is %s: %s (if the server is older, say so with --milvus-version)", release.Need(b), d.release, why)
	}
}

// grantable are the names a grant may name, for suggestions.
func (d *decoder) grantable() []string {
	var out []string
	for _, n := range privilege.Names() {
		if !privilege.IsLegacyGroup(n) {
			out = append(out, n)
		}
	}
	out = append(out, d.groupNames...)
	sort.Strings(out)
	return out
}

func (d *decoder) userRule() nameRule {
	if d.policy == PolicyMilvus {
		return userNameRuleMilvus
	}
	return userNameRule
}

func (d *decoder) decodeUsers(n *yaml.Node) {
	seen := firstSeen{}
	for i, item := range d.List(n, "users") {
		p := d.itemPath("users", i, item)
		f, ok := d.Fields(item, p, false, userKeys)
		if !ok {
			continue
		}
		name, ok := d.name(item, f, p)
		if ok {
			ok = d.checkUserName(name) && d.unique(seen, name, "user")
		}
		var secret *Secret
		if pf, has := f["password"]; has {
			secret = d.secret(pf.Val, join(p, "password"))
		}
		var previous *Secret
		if pf, has := f["previous_password"]; has {
			previous = d.secret(pf.Val, join(p, "previous_password"))
			if previous != nil && secret == nil {
				d.AddAt(pf.Key, join(p, "previous_password"), "previous_password is the old password to rotate from: it needs password too")
			}
		}
		var roles []string
		if rf, has := f["roles"]; has {
			roles = d.userRoles(rf.Val, join(p, "roles"))
		}
		desc := d.description(f, p)
		if ok {
			d.spec.State.Users[name.Value] = &User{Name: name.Value, Description: desc, Roles: SortNames(roles), Password: secret, PreviousPassword: previous}
			d.source(KindUser, name)
		}
	}
}

func (d *decoder) checkUserName(n named) bool {
	if msg := d.userRule().check(n.Value); msg != "" {
		d.AddAt(n.Node, n.Path, "%s", msg)
		return false
	}
	if why := protectedWhy("user", n.Value, n.Value == RootUser, "users", d.spec.Protect.Users); why != "" {
		d.AddAt(n.Node, n.Path, "%s", why)
		return false
	}
	if d.release != nil && strings.ContainsAny(n.Value, ".-") {
		// password_policy: milvus allows them; the server's users/create refuses them before
		// 2.6.0, which a plan would otherwise meet half-way through an apply.
		d.refuseWithout(n, release.DottedUserNames, `user names with "." or "-"; rename the user`)
	}
	return true
}

// userRoles checks the roles given to a user: each must be a role of the file, admin, or a
// protected role (such as Zilliz Cloud's db_ro, which exists outside the file; the plan
// checks that it does).
func (d *decoder) userRoles(n *yaml.Node, p string) []string {
	seen := firstSeen{}
	var out []string
	for _, r := range d.StrList(n, p) {
		switch {
		case r.Value == PublicRole:
			d.AddAt(r.Node, r.Path, "every user has role public implicitly; remove it")
		case !slices.Contains(d.roleNames, r.Value) && !d.spec.Protect.Role(r.Value):
			candidates := append(slices.Clone(d.roleNames), AdminRole)
			sort.Strings(candidates)
			d.AddAt(r.Node, r.Path, "unknown role %q: define it under roles, or protect it if it exists outside this file%s", r.Value, problem.DidYouMean(r.Value, candidates))
		case d.unique(seen, r, "role"):
			out = append(out, r.Value)
		}
	}
	return out
}

// secret reads a password reference. Messages here never quote what the file holds: a
// password typed where a reference belongs must not be copied into a CI log.
func (d *decoder) secret(n *yaml.Node, p string) *Secret {
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		d.AddAt(n, p, "a literal password is refused: passwords do not belong in the file; use {env: VAR} or {file: path}")
		return nil
	}
	if n.Kind != yaml.MappingNode {
		d.AddAt(n, p, "must be {env: VAR} or {file: path}, not %s", kindOf(n))
		return nil
	}
	f, ok := d.Fields(n, p, true, secretKeys)
	if !ok {
		return nil
	}
	ef, hasEnv := f["env"]
	ff, hasFile := f["file"]
	switch {
	case hasEnv && hasFile:
		d.AddAt(n, p, "give env or file, not both")
		return nil
	case hasEnv:
		v, ok := d.Str(ef.Val, join(p, "env"))
		if !ok {
			return nil
		}
		if envNameRule.check(v) != "" {
			d.AddAt(ef.Val, join(p, "env"), "must name an environment variable: letters, digits and underscores, not starting with a digit")
			return nil
		}
		return &Secret{Env: v}
	case hasFile:
		v, ok := d.Str(ff.Val, join(p, "file"))
		if !ok {
			return nil
		}
		if v == "" {
			d.AddAt(ff.Val, join(p, "file"), "must name a file")
			return nil
		}
		if d.rebase && !filepath.IsAbs(v) {
			// The files of a merged spec may sit in different directories: a secret file
			// is relative to its own file, so make it relative to the working directory.
			v = filepath.Join(filepath.Dir(d.fileOf(ff.Val)), v)
		}
		return &Secret{File: v}
	}
	d.AddAt(n, p, "must be {env: VAR} or {file: path}")
	return nil
}
