package access

import (
	"slices"

	"github.com/milvus-rbac/milvus-rbac/spec"
)

// The privileges that change users, roles, grants and privilege groups: both the operator's
// needs and the user-management escalations are built from these, so that the two lists
// cannot drift apart.
var (
	ownershipWrites = []string{"CreateOwnership", "DropOwnership", "ManageOwnership", "UpdateUser"}
	groupWrites     = []string{"CreatePrivilegeGroup", "DropPrivilegeGroup", "OperatePrivilegeGroup"}
)

// Writes are the privileges of every call that changes users, roles, grants and privilege
// groups; the plan's table of what each step asks (plan.Privileges) names exactly these.
var Writes = slices.Concat(ownershipWrites, groupWrites)

// UserManagement are the privileges whose gain is a privilege escalation on their own: each
// lets its holder create, change or drop users, roles, grants or privilege groups, or read or
// restore them whole (BackupRBAC returns password hashes; RestoreRBAC creates users with
// roles). The read-only SelectOwnership, SelectUser and ListPrivilegeGroups are left out:
// they disclose who holds what but change nothing. Sorted.
var UserManagement = sorted(slices.Concat(ownershipWrites, groupWrites, []string{"BackupRBAC", "RestoreRBAC"}))

// OperatorNeeds are the privileges milvus-rbac's own runs need of the connecting user: reading
// users, roles and groups, creating, dropping and granting them. A plan that takes one of them
// from the connecting user locks the tool out (LostOperatorNeeds).
var OperatorNeeds = slices.Concat([]string{"SelectOwnership"}, ownershipWrites, []string{"ListPrivilegeGroups"}, groupWrites)

// LostOperatorNeeds are the OperatorNeeds that user holds in before and no longer in after,
// in the order of OperatorNeeds: a plan that takes them leaves nobody able to repair the
// cluster with milvus-rbac as that user. root is never locked out (it passes every check), and
// neither is an unnamed user.
func LostOperatorNeeds(before, after *Model, user string) []string {
	if user == "" || user == spec.RootUser {
		return nil
	}
	var lost []string
	for _, p := range OperatorNeeds {
		had, _ := before.Can(user, p, "default", "*")
		has, _ := after.Can(user, p, "default", "*")
		if had && !has {
			lost = append(lost, p)
		}
	}
	return lost
}

// OnlyUsers is s with only the named users, its roles and groups whole: the model of a few
// users costs what they hold, not what everyone holds.
func OnlyUsers(s *spec.State, names map[string]bool) *spec.State {
	out := &spec.State{Users: map[string]*spec.User{}, Roles: s.Roles, Groups: s.Groups}
	for n := range names {
		if u, ok := s.Users[n]; ok {
			out.Users[n] = u
		}
	}
	return out
}

func sorted(s []string) []string {
	slices.Sort(s)
	return s
}
