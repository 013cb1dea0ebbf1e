package apply

import (
	"context"

	"github.com/milvus-rbac/milvus-rbac/spec"
)

// Cluster is what apply needs of a Milvus cluster: one method per mutation of the REST API.
// package milvus implements it. Each method makes exactly one call (or, where the server
// lacks grant_privilege_v2, its v1 equivalent) and returns the server's error unchanged.
type Cluster interface {
	CreateUser(ctx context.Context, name, password string) error
	DropUser(ctx context.Context, name string) error
	GrantRole(ctx context.Context, user, role string) error
	RevokeRole(ctx context.Context, user, role string) error
	CreateRole(ctx context.Context, name string) error
	DropRole(ctx context.Context, name string) error
	GrantPrivilege(ctx context.Context, role string, g spec.Grant) error
	RevokePrivilege(ctx context.Context, role string, g spec.Grant) error
	CreatePrivilegeGroup(ctx context.Context, name string) error
	DropPrivilegeGroup(ctx context.Context, name string) error
	AddPrivilegesToGroup(ctx context.Context, name string, privileges []string) error
	RemovePrivilegesFromGroup(ctx context.Context, name string, privileges []string) error
}
