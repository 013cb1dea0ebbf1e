package plan

// Action is what one step does. Its value is the name used in JSON plans.
type Action string

// The actions, in the order their phases run.
const (
	CreatePrivilegeGroup      Action = "create_privilege_group"
	AddPrivilegesToGroup      Action = "add_privileges_to_group"
	CreateRole                Action = "create_role"
	AlterRole                 Action = "alter_role"
	GrantPrivilege            Action = "grant_privilege"
	CreateUser                Action = "create_user"
	UpdatePassword            Action = "update_password"
	UpdateUserDescription     Action = "update_user_description"
	GrantRole                 Action = "grant_role"
	RevokeRole                Action = "revoke_role"
	RevokePrivilege           Action = "revoke_privilege"
	RemovePrivilegesFromGroup Action = "remove_privileges_from_group"
	DropUser                  Action = "drop_user"
	DropRole                  Action = "drop_role"
	DropPrivilegeGroup        Action = "drop_privilege_group"
)

// Order is the execution order of the phases: everything that gives access exists before it
// is used, revokes come after grants, drops come last, and a role's grants are revoked before
// the role is dropped (Milvus refuses to drop a role that still has grants).
var Order = []Action{
	CreatePrivilegeGroup, AddPrivilegesToGroup, CreateRole, AlterRole, GrantPrivilege, CreateUser, UpdatePassword,
	UpdateUserDescription, GrantRole,
	RevokeRole, RevokePrivilege, RemovePrivilegesFromGroup, DropUser, DropRole, DropPrivilegeGroup,
}

// Phase is the position of a's phase in Order; -1 for an unknown action.
func (a Action) Phase() int {
	for i, o := range Order {
		if o == a {
			return i
		}
	}
	return -1
}

// Kind is the summary bucket of an action; 0 for an unknown action.
func (a Action) Kind() Kind {
	switch a {
	case CreatePrivilegeGroup, CreateRole, CreateUser:
		return KindCreate
	case UpdatePassword, AlterRole, UpdateUserDescription:
		return KindChange
	case AddPrivilegesToGroup, GrantPrivilege, GrantRole:
		return KindGrant
	case RevokeRole, RevokePrivilege, RemovePrivilegesFromGroup:
		return KindRevoke
	case DropUser, DropRole, DropPrivilegeGroup:
		return KindDrop
	}
	return 0
}

// Destructive reports whether the action takes access away or deletes an object.
func (a Action) Destructive() bool {
	k := a.Kind()
	return k == KindRevoke || k == KindDrop
}

// Symbol is the marker shown before a step: "+" for what gives, "-" for what takes away, "~"
// for a change in place.
func (a Action) Symbol() string {
	switch {
	case a.Destructive():
		return "-"
	case a.Kind() == KindChange:
		return "~"
	}
	return "+"
}

// Valid reports whether a is one of the known actions.
func (a Action) Valid() bool { return a.Phase() >= 0 }
