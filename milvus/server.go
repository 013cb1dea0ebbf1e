package milvus

import (
	"fmt"
	"slices"
	"strings"

	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/release"
)

// Server is what the client knows of the server's Milvus release: given by the user, or
// bounded by what the answers of Read showed. The REST API has no version call, so an
// inferred release is a range.
type Server struct {
	release.Range
	// Source says how the release was learnt, for -v and the JSON plan.
	Source string
}

// groupsAnswer is what privilege_groups/list told Read.
type groupsAnswer int

const (
	groupsListed  groupsAnswer = iota
	groupsMissing              // 404: no such route
	groupsDenied               // 403: not allowed to list them
)

// infer bounds the release from what Read saw: whether privilege_groups exists, the contents
// of the built-in groups, and whether describes answer a "description" key.
func (c *Client) infer(groups groupsAnswer, builtin map[string][]string) Server {
	if !c.version.IsZero() {
		// The given release wins, but the description key, which no configuration changes,
		// can show that it is not this server's (MILVUS_VERSION left set for another
		// cluster): descriptions would then be sent, or compared, on every run.
		given := release.Exactly(c.version)
		switch saw, has := c.sawDescription.Load(), given.Has(release.Descriptions) == release.Yes; {
		case has && !saw:
			c.warnOnce(fmt.Sprintf(`the release stated for this cluster (--milvus-version, MILVUS_VERSION or a target's milvus_version) is %s, but the server's describes answer no "description" key, which %s always sends: check the release (the tool follows the one given)`, c.version, release.Need(release.Descriptions)))
		case saw && !has:
			c.warnOnce(fmt.Sprintf(`the release stated for this cluster (--milvus-version, MILVUS_VERSION or a target's milvus_version) is %s, but the server's describes answer a "description" key, which only %s sends: check the release (the tool follows the one given)`, c.version, release.Need(release.Descriptions)))
		}
		return Server{Range: given, Source: "given (--milvus-version)"}
	}
	var why []string
	s := Server{Range: release.Range{Min: release.Oldest}}
	narrow := func(lo, hi release.Version, reason string) {
		if lo.Compare(s.Min) > 0 {
			s.Min = lo
		}
		if !hi.IsZero() && (s.Max.IsZero() || hi.Compare(s.Max) < 0) {
			s.Max = hi
		}
		why = append(why, reason)
	}
	switch {
	case groups == groupsDenied:
		narrow(release.V(2, 4, 16), release.Version{}, "privilege_groups/list answers 403")
	case groups == groupsMissing:
		narrow(release.Oldest, release.V(2, 4, 15), "privilege_groups/list answers 404")
	case len(builtin) == 0:
		narrow(release.V(2, 4, 16), release.V(2, 4, 17), "no built-in privilege groups")
	default:
		if r, ok := releasesWithGroups(builtin); ok {
			narrow(r.Min, r.Max, "built-in groups of "+r.String())
		} else {
			why = append(why, "built-in groups configured (common.security.rbac.*): they tell no release")
		}
	}
	if c.sawDescription.Load() {
		narrow(release.V(2, 6, 19), release.Version{}, `describes answer "description"`)
	} else if s.Min.Compare(release.V(2, 6, 0)) >= 0 {
		narrow(release.Version{}, release.V(2, 6, 18), `no "description" in describes`)
	}
	if !s.Max.IsZero() && s.Max.Compare(s.Min) < 0 {
		// Answers that contradict each other (custom configuration of the built-in groups):
		// trust the description key, which configuration cannot change.
		s.Max = release.Version{}
		why = append(why, "answers disagree")
	}
	s.Source = "inferred: " + strings.Join(why, ", ")
	return s
}

// Warn gives msg to Config.Warn unless it was given before, for callers that choose to live
// with something the client reported.
func (c *Client) Warn(msg string) { c.warnOnce(msg) }

// releasesWithGroups finds the releases whose built-in group contents (release.GroupContents)
// are exactly builtin, as privilege_groups/list listed them; false when none are (the groups
// were configured).
func releasesWithGroups(builtin map[string][]string) (release.Range, bool) {
	for _, g := range release.GroupContents {
		same := len(builtin) == len(privilege.BuiltinGroups)
		for _, name := range privilege.BuiltinGroups {
			same = same && slices.Equal(builtin[name], privilege.Members(name, g.Contents))
		}
		if same {
			return g.Releases, true
		}
	}
	return release.Range{}, false
}

// warnOnce gives msg to Config.Warn unless it was given before.
func (c *Client) warnOnce(msg string) {
	if c.warn == nil {
		return
	}
	if _, seen := c.warned.LoadOrStore(msg, true); !seen {
		c.warn(msg)
	}
}

// warnIgnored says once, in one line per endpoint and kind, what Read left out, and lists
// every object in the call log (-v).
func (c *Client) warnIgnored(ignored []Ignored) {
	type kind struct {
		endpoint string
		what     Leftover
	}
	objects := map[kind][]string{}
	entries := map[kind]int{}
	var order []kind
	for _, ig := range ignored {
		k := kind{ig.Endpoint, ig.What}
		if _, ok := objects[k]; !ok {
			order = append(order, k)
		}
		objects[k] = append(objects[k], ig.Object())
		entries[k] += ig.Entries
		if c.logf != nil {
			c.logf("ignored: %s", ig)
		}
	}
	for _, k := range order {
		objs := objects[k]
		list := strings.Join(objs, ", ")
		if len(objs) > 3 {
			list = strings.Join(objs[:3], ", ") + fmt.Sprintf(" and %d more (-v lists them)", len(objs)-3)
		}
		c.warnOnce(fmt.Sprintf("ignored %d %s(s) in %s answers for %s: %s", entries[k], k.what, k.endpoint, list, k.what.Why()))
	}
}
