package plan

import (
	"fmt"

	"github.com/milvus-rbac/milvus-rbac/release"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// LimitWarnings says, for each default limit of Milvus (release.DefaultMaxUsers and
// DefaultMaxRoles, the same in every release) that the change from before to after takes the
// cluster past, how many objects there would be and which setting caps them. before and after
// hold every user and role of the cluster, built-ins included, as Read returns them. A
// cluster already past a limit (its limit was raised) and not growing gets no warning.
func LimitWarnings(before, after *spec.State) []string {
	var out []string
	check := func(what, setting, counted string, limit, was, will int) {
		if will > limit && will > was {
			out = append(out, fmt.Sprintf("after this plan the cluster would hold %d %s (%s), more than %d, the default of %s: unless the cluster's limit was raised (milvus.yaml), apply fails when it reaches it",
				will, what, counted, limit, setting))
		}
	}
	check("users", "proxy.maxUserNum", "root included", release.DefaultMaxUsers, len(before.Users), len(after.Users))
	check("roles", "proxy.maxRoleNum", "admin and public included", release.DefaultMaxRoles, len(before.Roles), len(after.Roles))
	return out
}
