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
// computing them once.
func (ses *session) models() (before, after *access.Model) {
	if ses.before == nil {
		opts := access.Options{BuiltinGroups: ses.live.BuiltinGroups}
		ses.before = access.Compute(ses.live.State, opts)
		ses.after = access.Compute(plan.Simulate(ses.live.State, ses.plan), opts)
	}
	return ses.before, ses.after
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
