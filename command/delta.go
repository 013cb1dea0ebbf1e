package command

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/milvus-rbac/milvus-rbac/access"
	"github.com/milvus-rbac/milvus-rbac/plan"
)

// models returns the effective-access models of the cluster before and after the plan
// (plan.AccessModels), computing them once, with the connecting user among the modelled.
func (ses *session) models() (before, after *access.Model) {
	if ses.before == nil {
		opts := access.Options{BuiltinGroups: ses.live.BuiltinGroups}
		ses.before, ses.after = plan.AccessModels(ses.live.State, ses.plan, opts, ses.client.User())
	}
	return ses.before, ses.after
}

// accessDelta is how the plan changes the effective access of each user.
func (ses *session) accessDelta() []access.UserDelta {
	before, after := ses.models()
	return access.Delta(before, after)
}

// lockout explains how the plan would take from the connecting user a privilege that
// milvus-rbac needs to run (access.LostOperatorNeeds), or returns "".
func (ses *session) lockout() string {
	if ses.plan.Empty() {
		return ""
	}
	user := ses.client.User()
	before, after := ses.models()
	lost := access.LostOperatorNeeds(before, after, user)
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
