package command

import (
	"fmt"
	"strings"

	"github.com/milvus-rbac/milvus-rbac/apply"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// preflight explains which privileges the plan's steps need that the connecting user lacks,
// judged by the access model of the live state the plan was made from, or returns "" when it
// holds them all or the model cannot tell: an API key names no user, and a role the file
// protects may be defined by the platform outside the grants the server lists (Zilliz Cloud's
// db_admin). Checking first means a token that may only read changes nothing, instead of
// failing at the first mutation of each phase.
func (ses *session) preflight() string {
	user := ses.client.User()
	if user == "" || ses.plan.Empty() {
		return ""
	}
	if u, ok := ses.live.State.Users[user]; ok {
		for _, r := range u.Roles {
			if ses.spec.Protect.Role(r) {
				ses.client.Warn(fmt.Sprintf("the privileges of user %s are not checked before apply: it holds role %s, which %s protects; the server checks each call", user, r, ses.spec.Path))
				return ""
			}
		}
	} else if user != spec.RootUser {
		return ""
	}
	before, _ := ses.models()
	lacks := apply.Preflight(ses.plan, before, user)
	if len(lacks) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "user %s, the user milvus-rbac connects as, lacks privileges the plan needs:", user)
	for _, l := range lacks {
		fmt.Fprintf(&b, "\n    %s", l)
	}
	fmt.Fprintf(&b, "\n  Give user %s a role with these grants (role rbac_applier of examples/operator-roles.yaml has them) or role admin, or run apply as a user that has them", user)
	return b.String()
}
