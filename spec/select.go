package spec

import (
	"fmt"
	"path"
	"slices"
)

// Selection names the part of a state a team adopts (export --only-user, --only-role): glob
// patterns (path.Match syntax) of users and roles. Empty means everything.
type Selection struct {
	Users []string
	Roles []string
}

// Empty reports whether the selection selects everything.
func (sel Selection) Empty() bool { return len(sel.Users)+len(sel.Roles) == 0 }

// Check refuses a pattern path.Match cannot read.
func (sel Selection) Check() error {
	for _, l := range []struct {
		flag string
		pats []string
	}{{"--only-user", sel.Users}, {"--only-role", sel.Roles}} {
		for _, p := range l.pats {
			if p == "" {
				return fmt.Errorf("%s: a pattern must not be empty", l.flag)
			}
			if _, err := path.Match(p, ""); err != nil {
				return fmt.Errorf("%s %q: %v (patterns use path.Match syntax: *, ?, [a-z])", l.flag, p, err)
			}
		}
	}
	return nil
}

// Select returns the part of s that sel names and what it needs to be a valid spec on its
// own: the users matching sel.Users with the roles they hold, the roles matching sel.Roles,
// and the custom privilege groups those roles grant. The roles of a selected user are
// selected whole, so that the file can make the user match; a group is selected whole too.
// unmatched lists the patterns that matched nothing, for a warning.
func Select(s *State, sel Selection) (out *State, unmatched []string) {
	if sel.Empty() {
		return s, nil
	}
	out = NewState()
	used := map[string]bool{}
	// match marks every pattern that matches name, not only the first: a pattern whose
	// names all match an earlier one too still matched something.
	match := func(pats []string, name string) bool {
		matched := false
		for _, p := range pats {
			if ok, _ := path.Match(p, name); ok {
				used[p] = true
				matched = true
			}
		}
		return matched
	}
	for _, name := range s.UserNames() {
		if match(sel.Users, name) {
			u := s.Users[name]
			out.Users[name] = u
			for _, r := range u.Roles {
				if lr, ok := s.Roles[r]; ok {
					out.Roles[r] = lr
				}
			}
		}
	}
	for _, name := range s.RoleNames() {
		if match(sel.Roles, name) {
			out.Roles[name] = s.Roles[name]
		}
	}
	for _, r := range out.Roles {
		for _, g := range r.Grants {
			if lg, ok := s.Groups[g.Privilege]; ok {
				out.Groups[g.Privilege] = lg
			}
		}
	}
	for _, p := range slices.Concat(sel.Users, sel.Roles) {
		if !used[p] {
			unmatched = append(unmatched, p)
		}
	}
	return out, unmatched
}
