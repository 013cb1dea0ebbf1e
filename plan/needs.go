package plan

import "github.com/milvus-rbac/milvus-rbac/privilege"

// Privileges is the privilege the call of each action asks of the connecting user: the
// privilege_ext_obj option of the RPC in Milvus's milvus.proto, checked by the proxy's
// PrivilegeInterceptor. All are Global except UpdateUser, whose object is the user.
var Privileges = map[Action]string{
	CreatePrivilegeGroup:      "CreatePrivilegeGroup",
	AddPrivilegesToGroup:      "OperatePrivilegeGroup",
	RemovePrivilegesFromGroup: "OperatePrivilegeGroup",
	DropPrivilegeGroup:        "DropPrivilegeGroup",
	CreateRole:                "CreateOwnership",
	CreateUser:                "CreateOwnership",
	DropRole:                  "DropOwnership",
	DropUser:                  "DropOwnership",
	GrantPrivilege:            "ManageOwnership",
	RevokePrivilege:           "ManageOwnership",
	GrantRole:                 "ManageOwnership",
	RevokeRole:                "ManageOwnership",
	UpdatePassword:            "UpdateUser",
}

// Need is a privilege one call asks of the connecting user: Milvus checks Privilege on Object
// in Database, the database of the request.
type Need struct {
	Privilege string
	// Database is the grant's database for a grant or revoke of a privilege (the REST handler
	// puts the body's dbName into the request's context), "default" for every other call.
	Database string
	// Object is the user whose password changes (UpdateUser), "*" otherwise.
	Object string
}

// Need is what the call of s asks of the connecting user.
func (s Step) Need() Need {
	n := Need{Privilege: Privileges[s.Action], Database: privilege.DefaultDatabase, Object: privilege.Wildcard}
	switch {
	case s.Action == UpdatePassword:
		n.Object = s.User
	case s.Grant != nil && (s.Action == GrantPrivilege || s.Action == RevokePrivilege):
		if s.Grant.Database != "" {
			n.Database = s.Grant.Database
		}
	}
	return n
}
