package command

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/milvus-rbac/milvus-rbac/access"
	"github.com/milvus-rbac/milvus-rbac/plan"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// operatorNeeds are the privileges milvus-rbac's own runs need of the connecting user: reading
// users, roles and groups, creating, dropping and granting them. A plan that takes one of them
// from the connecting user is refused unless --allow-self-lockout.
var operatorNeeds = []string{
	"SelectOwnership", "CreateOwnership", "DropOwnership", "ManageOwnership", "UpdateUser",
	"ListPrivilegeGroups", "CreatePrivilegeGroup", "DropPrivilegeGroup", "OperatePrivilegeGroup",
}

// models returns the effective-access models of the cluster before and after the plan,
// computing them once, for the users whose access the plan may change and the connecting
// user: the others' access is the same on both sides, and modelling 5,000 users costs seconds.
func (ses *session) models() (before, after *access.Model) {
	if ses.before == nil {
		opts := access.Options{BuiltinGroups: ses.live.BuiltinGroups}
		next := plan.Simulate(ses.live.State, ses.plan)
		users := touchedUsers(ses.live.State, next, ses.plan)
		users[ses.client.User()] = true
		ses.before = access.Compute(withUsers(ses.live.State, users), opts)
		ses.after = access.Compute(withUsers(next, users), opts)
	}
	return ses.before, ses.after
}

// touchedUsers are the users whose access p may change: those its steps name, those holding
// (before or after) a role it changes, and those holding a role granted a group it changes.
func touchedUsers(before, after *spec.State, p *plan.Plan) map[string]bool {
	users, roles, groups := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, st := range p.Steps {
		switch {
		case st.Group != "":
			groups[st.Group] = true
		case st.Action == plan.GrantRole || st.Action == plan.RevokeRole || st.User != "":
			users[st.User] = true
		case st.Role != "":
			roles[st.Role] = true
		}
	}
	for _, s := range []*spec.State{before, after} {
		for name, r := range s.Roles {
			for _, g := range r.Grants {
				if groups[g.Privilege] {
					roles[name] = true
				}
			}
		}
	}
	for _, s := range []*spec.State{before, after} {
		for name, u := range s.Users {
			for _, r := range u.Roles {
				if roles[r] {
					users[name] = true
				}
			}
		}
	}
	return users
}

// withUsers is s with only the named users (roles and groups whole).
func withUsers(s *spec.State, names map[string]bool) *spec.State {
	out := &spec.State{Users: map[string]*spec.User{}, Roles: s.Roles, Groups: s.Groups}
	for n := range names {
		if u, ok := s.Users[n]; ok {
			out.Users[n] = u
		}
	}
	return out
}

// accessDelta is how the plan changes the effective access of each user.
func (ses *session) accessDelta() []access.UserDelta {
	before, after := ses.models()
	return access.Delta(before, after)
}

// lockout explains how the plan would take from the connecting user a privilege that
// milvus-rbac needs to run (so that nobody could repair the cluster with it afterwards), or
// returns "". root is never locked out: it passes every check.
func (ses *session) lockout() string {
	user := ses.client.User()
	if user == "" || user == spec.RootUser || ses.plan.Empty() {
		return ""
	}
	before, after := ses.models()
	var lost []string
	for _, p := range operatorNeeds {
		had, _ := before.Can(user, p, "default", "*")
		has, _ := after.Can(user, p, "default", "*")
		if had && !has {
			lost = append(lost, p)
		}
	}
	if len(lost) == 0 {
		return ""
	}
	return fmt.Sprintf("the plan would take %s from user %s, the user milvus-rbac connects as: after it, this tool could no longer manage the cluster's users and roles. Keep a role that grants them (admin, or ClusterAdmin on *) for %s in the file, run as another user, or pass --allow-self-lockout if this is intended",
		strings.Join(lost, ", "), user, user)
}

// deltaText is the access delta for the text plan.
func (ses *session) deltaText() string {
	var b bytes.Buffer
	if err := access.WriteDeltaText(&b, ses.accessDelta()); err != nil {
		return ""
	}
	return b.String()
}

// deltaMarkdown is the access delta for the markdown plan, with its heading.
func (ses *session) deltaMarkdown() string {
	var b bytes.Buffer
	b.WriteString("**Effective access changes**\n\n")
	if err := access.WriteDeltaMarkdown(&b, ses.accessDelta()); err != nil {
		return ""
	}
	return b.String()
}

// summaryJSON is the compact access delta for the JSON plan.
func (ses *session) summaryJSON() json.RawMessage {
	b, err := json.Marshal(access.Compress(ses.accessDelta()))
	if err != nil {
		return nil
	}
	return b
}

// deltaJSON is the access delta for the JSON plan.
func (ses *session) deltaJSON() json.RawMessage {
	d := ses.accessDelta()
	if d == nil {
		d = []access.UserDelta{}
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil
	}
	return b
}
