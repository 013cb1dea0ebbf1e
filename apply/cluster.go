package apply

import (
	"context"

	"github.com/milvus-rbac/milvus-rbac/spec"
)

// Cluster is what apply needs of a Milvus cluster: one method per mutation of the REST API.
// package milvus implements it. Each method makes one call (or, where the server lacks
// grant_privilege_v2, its v1 equivalent; retries of a call that failed transiently aside) and
// returns the server's error.
type Cluster interface {
	CreateUser(ctx context.Context, name, password string) error
	UpdatePassword(ctx context.Context, name, oldPassword, newPassword string) error
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

// Describer is what apply needs, beyond Cluster, of a cluster whose release keeps user and
// role descriptions (Milvus 2.6.19 and later): plans for other releases have no description
// in any step, and a step with one fails against a Cluster that is not a Describer.
type Describer interface {
	CreateUserDescribed(ctx context.Context, name, password, description string) error
	CreateRoleDescribed(ctx context.Context, name, description string) error
	AlterRole(ctx context.Context, name, description string) error
	UpdateUserDescription(ctx context.Context, name, description string) error
}

// Resolver is what apply needs, beyond Cluster, to tell a refused call whose goal is met
// anyway from a real failure: when two runs of the same file apply at once, one creates a
// role and the other is told it exists already. A Cluster that also implements Resolver gets
// such answers checked; one that does not gets them reported as failures.
type Resolver interface {
	// AlreadyExists reports whether err says the object to create exists.
	AlreadyExists(err error) bool
	// NotFound reports whether err says a role or user is missing.
	NotFound(err error) bool
	// CheckPassword reports whether password logs user in.
	CheckPassword(ctx context.Context, user, password string) (bool, error)
}
