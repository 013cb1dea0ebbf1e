package milvus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/release"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// Features says which optional parts of the API the server has, as far as the client knows:
// a feature counts as present until the server answers 404 for it.
type Features struct {
	// PrivilegeGroups: privilege_groups/* (Milvus 2.4.16, 2.5.0). Read probes it every time.
	PrivilegeGroups bool
	// GrantV2: roles/grant_privilege_v2 and revoke_privilege_v2 (Milvus 2.4.18, 2.5.0). Read
	// does not probe it; the first grant or revoke does.
	GrantV2 bool
}

// Live is the state of a cluster as Read found it.
type Live struct {
	// State holds every user (root included) with its roles, every role (admin and public
	// included) with its grants in all databases, and the custom privilege groups.
	State *spec.State
	// BuiltinGroups holds the built-in privilege groups with their privileges as the server
	// reported them, sorted; empty when the server has no privilege groups.
	BuiltinGroups map[string][]string
	// Features is what the server was found to support.
	Features Features
	// GroupsDenied is the 403 privilege_groups/list answered, when it did: the connecting user
	// lacks ListPrivilegeGroups on database "*". State then holds no custom group, and
	// BuiltinGroups are the release's own (Server).
	GroupsDenied error
	// Server is what the answers showed, or the user said, of the server's release.
	Server Server
	// Ignored lists the entries of the server's answers that Read left out because they name
	// nothing (an empty role name), one per object, sorted; nil when there were none. Nothing
	// that could grant access is ever left out: such an entry fails the read instead.
	Ignored []Ignored
}

// Ignored is what Read left out of one answer.
type Ignored struct {
	// Endpoint is the call that answered, "users/describe".
	Endpoint string
	// Kind and Name say what was described: spec.KindUser and "app".
	Kind, Name string
	// Entries is how many entries were left out.
	Entries int
	// What says what the entries were.
	What Leftover
}

// Leftover is a kind of entry Read leaves out of an answer.
type Leftover int

// The entries Read leaves out.
const (
	// EmptyRoleName is "" in the roles of users/describe.
	EmptyRoleName Leftover = iota
	// BlankGrant is a grant of roles/describe without an object type, object name or
	// privilege.
	BlankGrant
)

// leftovers says what each Leftover is called, and why it is left out.
var leftovers = []struct{ noun, why string }{
	EmptyRoleName: {"empty role name", "they name no role (Milvus before 2.6.13 adds one for each role of every user whose name begins with the described user's name, milvus#46676; before 2.6.19 one for each leftover role-mapping key, milvus#49989)"},
	BlankGrant:    {"blank grant", "grants without an object type, object name or privilege; they come from leftover storage keys (milvus#49989) and match no request; such a role cannot be dropped until the key is removed on the server"},
}

// String is "empty role name".
func (l Leftover) String() string { return leftovers[l].noun }

// Why says why such entries are left out, and what they do to the cluster.
func (l Leftover) Why() string { return leftovers[l].why }

// String is one line: `users/describe of user "app": 2 empty role names`.
func (ig Ignored) String() string {
	what := ig.What.String()
	if ig.Entries != 1 {
		what += "s"
	}
	return fmt.Sprintf("%s of %s: %d %s", ig.Endpoint, ig.Object(), ig.Entries, what)
}

// Object is `user "app"`.
func (ig Ignored) Object() string { return fmt.Sprintf("%s %q", ig.Kind, ig.Name) }

// Features returns what the client has learned of the server so far.
func (c *Client) Features() Features {
	return Features{PrivilegeGroups: !c.noGroups.Load(), GrantV2: !c.noGrantV2.Load()}
}

// Read reads the live access state: users/list, one users/describe per user, roles/list, one
// roles/describe per role across all databases, and privilege_groups/list; U + R + 3 calls,
// run concurrently within the client's bound. The result is normalised for diffing: names and
// grants sorted and de-duplicated, a grant's empty database reported as "default", custom
// group privileges split and sorted. A role dropped between roles/list and its describe is
// left out; a user dropped meanwhile shows with no roles (the server cannot tell them apart).
func (c *Client) Read(ctx context.Context) (*Live, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		once     sync.Once
		firstErr error
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		once.Do(func() { firstErr = err; cancel() })
	}

	var (
		userNames, roleNames []string
		userRoles            [][]string
		userEmpty            []int
		roleGrants           [][]spec.Grant
		roleEmpty            []int
		roleGone             []bool
		userDesc, roleDesc   []string
		groups               map[string][]string
		groupsOK             bool
		groupsForbidden      error
	)
	wg.Go(func() {
		names, err := c.listNames(ctx, endpointListUsers)
		if err != nil {
			fail(fmt.Errorf("list users: %w", err))
			return
		}
		userNames, userRoles, userEmpty = names, make([][]string, len(names)), make([]int, len(names))
		userDesc = make([]string, len(names))
		if err := c.each(ctx, len(names), func(i int) error {
			roles, empty, desc, err := c.describeUser(ctx, names[i])
			if err != nil {
				return fmt.Errorf("describe user %q: %w", names[i], err)
			}
			userRoles[i], userEmpty[i], userDesc[i] = roles, empty, desc
			return nil
		}); err != nil {
			fail(err)
		}
	})
	wg.Go(func() {
		names, err := c.listNames(ctx, endpointListRoles)
		if err != nil {
			fail(fmt.Errorf("list roles: %w", err))
			return
		}
		roleNames, roleGrants, roleGone = names, make([][]spec.Grant, len(names)), make([]bool, len(names))
		roleEmpty, roleDesc = make([]int, len(names)), make([]string, len(names))
		if err := c.each(ctx, len(names), func(i int) error {
			grants, empty, desc, err := c.describeRole(ctx, names[i])
			roleEmpty[i], roleDesc[i] = empty, desc
			switch {
			case IsNotFound(err):
				roleGone[i] = true
			case err != nil:
				return fmt.Errorf("describe role %q: %w", names[i], err)
			}
			roleGrants[i] = grants
			return nil
		}); err != nil {
			fail(err)
		}
	})
	wg.Go(func() {
		var err error
		groups, err = c.listGroups(ctx)
		switch {
		case is404(err):
			c.noGroups.Store(true)
		case is403(err):
			// An operator whose rights hold in one database only: the rest of the state
			// can still be read, and a file without custom groups needs nothing more.
			groupsForbidden = err
		case err != nil:
			fail(fmt.Errorf("list privilege groups: %w", err))
		default:
			c.noGroups.Store(false)
			groupsOK = true
		}
	})
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}

	live := &Live{State: spec.NewState(), BuiltinGroups: map[string][]string{}, Features: c.Features(), GroupsDenied: groupsForbidden}
	live.Features.PrivilegeGroups = groupsOK || groupsForbidden != nil
	for i, n := range userNames {
		live.State.Users[n] = &spec.User{Name: n, Description: userDesc[i], Roles: userRoles[i]}
		if userEmpty[i] > 0 {
			live.Ignored = append(live.Ignored, Ignored{Endpoint: endpointDescribeUser, Kind: spec.KindUser, Name: n, Entries: userEmpty[i], What: EmptyRoleName})
		}
	}
	for i, n := range roleNames {
		if !roleGone[i] {
			live.State.Roles[n] = &spec.Role{Name: n, Description: roleDesc[i], Grants: roleGrants[i]}
		}
		if roleEmpty[i] > 0 {
			live.Ignored = append(live.Ignored, Ignored{Endpoint: endpointDescribeRole, Kind: spec.KindRole, Name: n, Entries: roleEmpty[i], What: BlankGrant})
		}
	}
	slices.SortFunc(live.Ignored, func(a, b Ignored) int { return strings.Compare(a.Endpoint+a.Object(), b.Endpoint+b.Object()) })
	c.warnIgnored(live.Ignored)
	custom := map[string]bool{}
	for n, privs := range groups {
		if privilege.IsBuiltinGroup(n) {
			live.BuiltinGroups[n] = privs
			continue
		}
		live.State.Groups[n] = &spec.PrivilegeGroup{Name: n, Privileges: privs}
		custom[n] = true
	}
	c.mu.Lock()
	c.groups = custom
	c.mu.Unlock()
	answer := groupsListed
	switch {
	case groupsForbidden != nil:
		answer = groupsDenied
	case !groupsOK:
		answer = groupsMissing
	}
	live.Server = c.infer(answer, live.BuiltinGroups)
	if groupsForbidden != nil {
		live.BuiltinGroups = builtinGroupsOf(live.Server)
		c.warnOnce(fmt.Sprintf("could not list privilege groups (%v): custom groups were not read, and the built-in groups are taken as Milvus %s has them", groupsForbidden, live.Server))
	}
	if c.logf != nil {
		c.logf("server release %s (%s)", live.Server, live.Server.Source)
	}
	return live, nil
}

// each runs fn(0..n-1) on at most the client's concurrency of goroutines and returns the
// first error; it stops starting new work after an error or when ctx is done.
func (c *Client) each(ctx context.Context, n int, fn func(i int) error) error {
	workers := min(n, cap(c.sem))
	next := make(chan int)
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
		stop     = make(chan struct{})
	)
	for range workers {
		wg.Go(func() {
			for i := range next {
				if err := fn(i); err != nil {
					once.Do(func() { firstErr = err; close(stop) })
				}
			}
		})
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-stop:
			break feed
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	return firstErr
}

// Endpoints Read calls.
const (
	endpointListUsers    = "users/list"
	endpointDescribeUser = "users/describe"
	endpointListRoles    = "roles/list"
	endpointDescribeRole = "roles/describe"
	endpointListGroups   = "privilege_groups/list"
)

// listNames calls users/list or roles/list: data is a list of names.
func (c *Client) listNames(ctx context.Context, endpoint string) ([]string, error) {
	data, err := c.call(ctx, endpoint, struct{}{})
	if err != nil {
		return nil, err
	}
	return parseNames(endpoint, data)
}

// parseNames decodes the data of users/list, roles/list or users/describe: a list of names,
// none of them empty.
func parseNames(endpoint string, data json.RawMessage) ([]string, error) {
	var names []string
	if err := decodeData(endpoint, data, &names, "a list of names"); err != nil {
		return nil, err
	}
	if slices.Contains(names, "") {
		return nil, fmt.Errorf("%s: %w: a name in \"data\" is empty or null", endpoint, ErrMalformedResponse)
	}
	return names, nil
}

type userReq struct {
	UserName string `json:"userName"`
}

// describeUser returns the roles given to user, sorted (nil when none), how many empty
// entries the answer had besides them, and the user's description ("" before 2.6.19).
func (c *Client) describeUser(ctx context.Context, user string) ([]string, int, string, error) {
	raw, err := c.call(ctx, endpointDescribeUser, userReq{UserName: user})
	if err != nil {
		return nil, 0, "", err
	}
	data, desc := splitDescribed(raw)
	roles, empty, err := parseUserRoles(data)
	return roles, empty, desc, err
}

// parseUserRoles decodes the data of users/describe: the user's roles, sorted and free of
// duplicates (nil when none), and how many entries were empty or null.
//
// Empty entries are left out, not refused: Milvus releases whose role-mapping lookup matches
// by key prefix (2.4, 2.5 and early 2.6, milvus#46676) answer for user "app" with one "" per
// role of every user whose name begins with "app" ("app_ingest", "app2"). An empty name
// names no role, so leaving it out cannot hide a role the user holds; Read reports how many
// it left out.
func parseUserRoles(data json.RawMessage) ([]string, int, error) {
	var entries []string
	if err := decodeData(endpointDescribeUser, data, &entries, "a list of role names"); err != nil {
		return nil, 0, err
	}
	roles := slices.DeleteFunc(entries, func(r string) bool { return strings.TrimSpace(r) == "" })
	empty := len(entries) - len(roles)
	if len(roles) == 0 {
		return nil, empty, nil
	}
	return spec.SortNames(roles), empty, nil
}

type describeRoleReq struct {
	RoleName string `json:"roleName"`
	DBName   string `json:"dbName"`
}

// grantEntry is one grant of roles/describe (handler_v2.go describeRole). grantor is not kept.
type grantEntry struct {
	ObjectType string `json:"objectType"`
	ObjectName string `json:"objectName"`
	Privilege  string `json:"privilege"`
	DBName     string `json:"dbName"`
	Grantor    string `json:"grantor"`
}

// describeRole returns the grants of role in every database ("dbName":"*"), sorted (nil when
// none), and how many entries it left out. The object type and name are kept as reported.
func (c *Client) describeRole(ctx context.Context, role string) ([]spec.Grant, int, string, error) {
	raw, err := c.call(ctx, endpointDescribeRole, describeRoleReq{RoleName: role, DBName: privilege.Wildcard})
	if err != nil {
		return nil, 0, "", err
	}
	data, desc := splitDescribed(raw)
	grants, empty, err := parseGrants(data)
	return grants, empty, desc, err
}

// parseGrants decodes the data of roles/describe: the grants, sorted, an empty database
// reported as "default" (nil when none), and how many entries were left out.
//
// An entry without an object type, object name or privilege is left out, not refused:
// releases before 2.6.19 list leftover storage keys with an empty segment that way, and 2.6.19
// still lists a key with a database and an empty collection name (milvus#49989, #50544). Such
// an entry matches no request (no collection or privilege has an empty name), so leaving it
// out hides no access; a plan from it would revoke what nobody can name.
func parseGrants(data json.RawMessage) ([]spec.Grant, int, error) {
	var entries []grantEntry
	if err := decodeData(endpointDescribeRole, data, &entries, "a list of grants"); err != nil {
		return nil, 0, err
	}
	grants := make([]spec.Grant, 0, len(entries))
	for _, e := range entries {
		if strings.TrimSpace(e.ObjectType) == "" || strings.TrimSpace(e.ObjectName) == "" || strings.TrimSpace(e.Privilege) == "" {
			continue
		}
		db := e.DBName
		if db == "" {
			db = privilege.DefaultDatabase
		}
		grants = append(grants, spec.Grant{ObjectType: e.ObjectType, Privilege: e.Privilege, Database: db, Object: e.ObjectName})
	}
	empty := len(entries) - len(grants)
	if len(grants) == 0 {
		return nil, empty, nil
	}
	return spec.SortGrants(grants), empty, nil
}

// groupList is the data of privilege_groups/list: an object, and privileges joined by ",".
type groupList struct {
	PrivilegeGroups *[]struct {
		Name       string       `json:"privilegeGroupName"`
		Privileges privilegeSet `json:"privileges"`
	} `json:"privilegeGroups"`
}

// privilegeSet decodes "Query,Search" (what servers send) or ["Query","Search"] into a
// sorted list free of duplicates and blanks.
type privilegeSet []string

func (p *privilegeSet) UnmarshalJSON(b []byte) error {
	var list []string
	var joined string
	if err := json.Unmarshal(b, &joined); err == nil {
		list = strings.Split(joined, ",")
	} else if err := json.Unmarshal(b, &list); err != nil {
		return errors.New("privileges is neither a comma-separated string nor a list of strings")
	}
	out := make([]string, 0, len(list))
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		*p = nil
		return nil
	}
	*p = spec.SortNames(out)
	return nil
}

// listGroups returns every privilege group, built-in ones included, by name.
func (c *Client) listGroups(ctx context.Context) (map[string][]string, error) {
	data, err := c.call(ctx, endpointListGroups, struct{}{})
	if err != nil {
		return nil, err
	}
	return parseGroups(data)
}

// parseGroups decodes the data of privilege_groups/list: every group by name, with its
// privileges sorted.
func parseGroups(data json.RawMessage) (map[string][]string, error) {
	const endpoint = endpointListGroups
	var list groupList
	if err := decodeData(endpoint, data, &list, `an object {"privilegeGroups": [...]}`); err != nil {
		return nil, err
	}
	if list.PrivilegeGroups == nil {
		return nil, fmt.Errorf("%s: %w: no \"data.privilegeGroups\" list", endpoint, ErrMalformedResponse)
	}
	out := make(map[string][]string, len(*list.PrivilegeGroups))
	for i, g := range *list.PrivilegeGroups {
		if g.Name == "" {
			return nil, fmt.Errorf("%s: %w: group %d has no \"privilegeGroupName\"", endpoint, ErrMalformedResponse, i)
		}
		out[g.Name] = g.Privileges
	}
	return out, nil
}

// builtinGroupsOf is the built-in groups of the releases of s, as privilege_groups/list
// would list them.
func builtinGroupsOf(s Server) map[string][]string {
	out := map[string][]string{}
	if s.Has(release.GrantV2) == release.No {
		return out
	}
	for _, g := range privilege.BuiltinGroups {
		out[g] = spec.SortNames(slices.Clone(privilege.Members(g, s.Groups())))
	}
	return out
}
