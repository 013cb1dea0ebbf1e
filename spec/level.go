package spec

import "github.com/milvus-rbac/milvus-rbac/privilege"

// LevelOf returns the level of a privilege, a built-in group or a custom group of s. A
// custom group has the level of its members (privileges of LevelNone do not count); a group
// whose members mix levels, or that s does not hold, has LevelNone, because Milvus checks a
// group's grants against the level of its members and no single level applies.
func (s *State) LevelOf(name string) privilege.Level {
	if privilege.Known(name) || s == nil {
		return privilege.LevelOf(name)
	}
	g, ok := s.Groups[name]
	if !ok {
		return privilege.LevelNone
	}
	return MembersLevel(g.Privileges)
}

// MembersLevel is the one level shared by a group's privileges, ignoring those of LevelNone;
// LevelNone when there is none or more than one.
func MembersLevel(privs []string) privilege.Level {
	level := privilege.LevelNone
	for _, p := range privs {
		l := privilege.LevelOf(p)
		switch {
		case l == privilege.LevelNone:
		case level == privilege.LevelNone:
			level = l
		case level != l:
			return privilege.LevelNone
		}
	}
	return level
}

// defaultDatabase is the database a grant of a privilege at level gets when the file names
// none: "*" for cluster-level privileges and groups, which apply to no one database (Milvus
// refuses a cluster-level group on any other), "default" otherwise, as Milvus does.
func defaultDatabase(level privilege.Level) string {
	if level == privilege.LevelCluster {
		return privilege.Wildcard
	}
	return privilege.DefaultDatabase
}

// DefaultDatabase is the database a grant of priv gets when a spec file names none, priv
// being a privilege, a built-in group or a custom group of s. Encode omits a database equal
// to it; Parse fills it in.
func (s *State) DefaultDatabase(priv string) string {
	return defaultDatabase(s.LevelOf(priv))
}

// CollapseImplied returns grants without the ones Milvus adds by itself: GetLoadState and
// GetLoadingProgress on a target that also has Load, GetFlushState on one that also has
// Flush (privilege.Related). Milvus grants and revokes them together with their privilege,
// so a file that lists them says nothing more, and dropping them from both sides keeps a
// desired state and a live one comparable. The result is a new slice in the order of grants;
// grants is not modified.
func CollapseImplied(grants []Grant) []Grant {
	implied := map[Grant]bool{}
	for _, g := range grants {
		for _, r := range privilege.Related[g.Privilege] {
			implied[NewGrant(r, g.Database, g.Object)] = true
		}
	}
	if len(grants) == 0 {
		return nil
	}
	out := make([]Grant, 0, len(grants))
	for _, g := range grants {
		if !implied[g] {
			out = append(out, g)
		}
	}
	return out
}
