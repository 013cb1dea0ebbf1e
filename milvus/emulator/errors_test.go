package emulator

import (
	"strings"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/release"
)

// want is an expected answer: code 0 means success.
type want struct {
	code int
	msg  string
}

// errCase is one RBAC error (of rootcoord or of the proxy validators), with the answer
// of each era. A nil e2 means "as e1".
type errCase struct {
	name     string
	opts     Options
	setup    func(t *testing.T, h *harness)
	endpoint string
	body     string
	e1       want
	e2       *want // nil: as e1
	e3       want
}

const (
	notFoundRole = "not found the role, maybe the role isn't existed or internal system error"
	notFoundUser = "not found the user, maybe the user isn't existed or internal system error"
	hasGrants    = "fail to drop the role that it has privileges. Use REVOKE API to revoke privileges"
)

func withRole(name string) func(*testing.T, *harness) {
	return func(t *testing.T, h *harness) {
		if err := h.emu.CreateRole(name); err != nil {
			t.Fatal(err)
		}
	}
}

func withUser(name, pw string) func(*testing.T, *harness) {
	return func(t *testing.T, h *harness) {
		if err := h.emu.CreateUser(name, pw); err != nil {
			t.Fatal(err)
		}
	}
}

func withGroup(name string, privs ...string) func(*testing.T, *harness) {
	return func(t *testing.T, h *harness) {
		if err := h.emu.CreatePrivilegeGroup(name, privs...); err != nil {
			t.Fatal(err)
		}
	}
}

func all(fs ...func(*testing.T, *harness)) func(*testing.T, *harness) {
	return func(t *testing.T, h *harness) {
		for _, f := range fs {
			f(t, h)
		}
	}
}

var errCases = []errCase{
	// Binding (wrapperPost, handler_v2.go).
	{name: "empty body", endpoint: "users/list", body: "",
		e1: want{1801, "can only accept json format request, the request body should be nil, however {} is valid"},
		e3: want{1801, "can only accept json format request, the request body should be nil, however {} is valid"}},
	{name: "malformed JSON", endpoint: "users/drop", body: `{"userName":`,
		e1: want{1801, "can only accept json format request, error: unexpected EOF"},
		e3: want{1801, "can only accept json format request, error: unexpected EOF"}},
	{name: "wrong JSON type", endpoint: "users/drop", body: `{"userName":7}`,
		e1: want{1801, "can only accept json format request, error: json: cannot unmarshal number into Go struct field UserReq.userName of type string"},
		e3: want{1801, "can only accept json format request, error: json: cannot unmarshal number into Go struct field UserReq.userName of type string"}},
	{name: "missing required field", endpoint: "users/describe", body: `{}`,
		e1: want{1802, "missing required parameters, error: Key: 'UserReq.UserName' Error:Field validation for 'UserName' failed on the 'required' tag"},
		e3: want{1802, "missing required parameters, error: Key: 'UserReq.UserName' Error:Field validation for 'UserName' failed on the 'required' tag"}},
	{name: "empty required string", endpoint: "roles/create", body: `{"roleName":""}`,
		e1: want{1802, "missing required parameters, error: Key: 'RoleReq.RoleName' Error:Field validation for 'RoleName' failed on the 'required' tag"},
		e3: want{1802, "missing required parameters, error: Key: 'RoleReq.RoleName' Error:Field validation for 'RoleName' failed on the 'required' tag"}},
	{name: "every missing field, one line each", endpoint: "roles/grant_privilege", body: `{"roleName":"r"}`,
		e1: want{1802, "missing required parameters, error: Key: 'GrantReq.ObjectType' Error:Field validation for 'ObjectType' failed on the 'required' tag\n" +
			"Key: 'GrantReq.ObjectName' Error:Field validation for 'ObjectName' failed on the 'required' tag\n" +
			"Key: 'GrantReq.Privilege' Error:Field validation for 'Privilege' failed on the 'required' tag"},
		e3: want{1802, "missing required parameters, error: Key: 'GrantReq.ObjectType' Error:Field validation for 'ObjectType' failed on the 'required' tag\n" +
			"Key: 'GrantReq.ObjectName' Error:Field validation for 'ObjectName' failed on the 'required' tag\n" +
			"Key: 'GrantReq.Privilege' Error:Field validation for 'Privilege' failed on the 'required' tag"}},
	{name: "E3 update_password needs only the user", endpoint: "users/update_password", body: `{"userName":"bob"}`,
		e1: want{1802, "missing required parameters, error: Key: 'NewPasswordReq.Password' Error:Field validation for 'Password' failed on the 'required' tag\n" +
			"Key: 'NewPasswordReq.NewPassword' Error:Field validation for 'NewPassword' failed on the 'required' tag"},
		e3: want{1100, "newPassword and description are both empty for user bob: invalid parameter"}},
	{name: "keys match case-insensitively, unknown keys are ignored", setup: withRole("r"), endpoint: "roles/describe",
		body: `{"ROLENAME":"r","extra":[1,2]}`, e1: want{0, ""}, e3: want{0, ""}},

	// Validators (internal/proxy/util.go).
	{name: "username starts with a digit", endpoint: "users/create", body: `{"userName":"1bob","password":"secret1"}`,
		e1: want{1100, "invalid user name 1bob, the first character must be a letter, but got 1: invalid parameter"},
		e3: want{1100, "invalid user name 1bob, the first character must be a letter, but got 1: invalid parameter"}},
	{name: "username with a dash is fine from 2.6", endpoint: "users/create", body: `{"userName":"bob-1","password":"secret1"}`,
		e1: want{1100, "invalid user name bob-1, username must contain only numbers, letters and underscores, but got -: invalid parameter"},
		e2: &want{0, ""}, e3: want{0, ""}},
	{name: "username of 33 bytes", endpoint: "users/create", body: `{"userName":"` + strings.Repeat("a", 33) + `","password":"secret1"}`,
		e1: want{1100, "invalid username " + strings.Repeat("a", 33) + " with length 33, the length of username must be less than 32: invalid parameter"},
		e3: want{1100, "invalid username " + strings.Repeat("a", 33) + " with length 33, the length of username must be less than 32: invalid parameter"}},
	{name: "username of 32 bytes", endpoint: "users/create", body: `{"userName":"` + strings.Repeat("a", 32) + `","password":"secret1"}`,
		e1: want{0, ""}, e3: want{0, ""}},
	{name: "password of 5 bytes", endpoint: "users/create", body: `{"userName":"bob","password":"12345"}`,
		e1: want{1100, "invalid password length: invalid parameter[5 out of range 6 <= value <= 72]"},
		e3: want{1100, "invalid password length: invalid parameter[5 out of range 6 <= value <= 72]"}},
	{name: "password of 73 bytes", endpoint: "users/create", body: `{"userName":"bob","password":"` + strings.Repeat("p", 73) + `"}`,
		e1: want{1100, "invalid password length: invalid parameter[73 out of range 6 <= value <= 72]"},
		e3: want{1100, "invalid password length: invalid parameter[73 out of range 6 <= value <= 72]"}},
	{name: "password of 72 bytes", endpoint: "users/create", body: `{"userName":"bob","password":"` + strings.Repeat("p", 72) + `"}`,
		e1: want{0, ""}, e3: want{0, ""}},
	{name: "role name with a dash", endpoint: "roles/create", body: `{"roleName":"r-1"}`,
		e1: want{1100, "role name can only contain numbers, letters, dollars and underscores, found - at 1: invalid parameter"},
		e2: &want{1100, "role name can only contain numbers, letters, underscores, and allowed characters ($), found - at 1: invalid parameter"},
		e3: want{1100, "role name can only contain numbers, letters, underscores, and allowed characters ($), found - at 1: invalid parameter"}},
	{name: "role name with a dollar", endpoint: "roles/create", body: `{"roleName":"_r$1"}`, e1: want{0, ""}, e3: want{0, ""}},
	{name: "role name starting with a digit", endpoint: "roles/create", body: `{"roleName":"1r"}`,
		e1: want{1100, "the first character of role name must be an underscore or letter: invalid parameter[expected=95][actual=49]"},
		e3: want{1100, "the first character of role name must be an underscore or letter: invalid parameter[expected=95][actual=49]"}},
	{name: "object name with a dash", setup: withRole("r"), endpoint: "roles/grant_privilege",
		body: `{"roleName":"r","objectType":"Collection","objectName":"my-books","privilege":"Search"}`,
		e1:   want{1100, "object name can only contain numbers, letters, dollars and underscores, found - at 2: invalid parameter"},
		e2:   &want{1100, "object name can only contain numbers, letters, underscores, and allowed characters ($), found - at 2: invalid parameter"},
		e3:   want{1100, "object name can only contain numbers, letters, underscores, and allowed characters ($), found - at 2: invalid parameter"}},
	{name: "object type not a name", setup: withRole("r"), endpoint: "roles/grant_privilege",
		body: `{"roleName":"r","objectType":"*","objectName":"*","privilege":"Search"}`,
		e1:   want{1100, "the first character of ObjectType must be an underscore or letter: invalid parameter[expected=95][actual=42]"},
		e3:   want{1100, "the first character of ObjectType must be an underscore or letter: invalid parameter[expected=95][actual=42]"}},
	{name: "object type Database does not exist in Milvus", setup: withRole("r"), endpoint: "roles/grant_privilege",
		body: `{"roleName":"r","objectType":"Database","objectName":"*","privilege":"Search"}`,
		e1:   want{65535, "the object entity in the request is nil or invalid"},
		e3:   want{1100, "the object entity in the request is nil or invalid: invalid parameter"}},
	{name: "object type is case-sensitive", setup: withRole("r"), endpoint: "roles/grant_privilege",
		body: `{"roleName":"r","objectType":"collection","objectName":"*","privilege":"Search"}`,
		e1:   want{65535, "the object entity in the request is nil or invalid"},
		e3:   want{1100, "the object entity in the request is nil or invalid: invalid parameter"}},
	{name: "group name starting with a digit", endpoint: "privilege_groups/create", body: `{"privilegeGroupName":"1g"}`,
		e1: want{1402, "the first character of a privilege group name 1g must be an underscore or letter: invalid privilege group name"},
		e3: want{1402, "the first character of a privilege group name 1g must be an underscore or letter: invalid privilege group name"}},
	{name: "group name of 256 bytes", endpoint: "privilege_groups/create", body: `{"privilegeGroupName":"` + strings.Repeat("g", 256) + `"}`,
		e1: want{1402, "the length of a privilege group name " + strings.Repeat("g", 256) + " must be less than 255 characters: invalid privilege group name"},
		e3: want{1402, "the length of a privilege group name " + strings.Repeat("g", 256) + " must be less than 255 characters: invalid privilege group name"}},
	{name: "group name with a dollar", endpoint: "privilege_groups/create", body: `{"privilegeGroupName":"g$1"}`,
		e1: want{1100, "privilege group name g$1 can only contain numbers, letters and underscores: invalid parameter"},
		e3: want{1100, "privilege group name g$1 can only contain numbers, letters and underscores: invalid parameter"}},
	{name: "v2 with an invalid database name", setup: withRole("r"), endpoint: "roles/grant_privilege_v2",
		body: `{"roleName":"r","privilege":"Search","dbName":"my-db","collectionName":"*"}`,
		e1:   want{802, "database name can only contain numbers, letters and underscores: invalid database name[database=my-db]"},
		e3:   want{802, "database name can only contain numbers, letters and underscores: invalid database name[database=my-db]"}},
	{name: "v2 without collectionName", setup: withRole("r"), endpoint: "roles/grant_privilege_v2",
		body: `{"roleName":"r","privilege":"Search","dbName":"db1"}`,
		e1:   want{1100, "collection name should be not empty: invalid parameter[expected=not empty][actual=]"},
		e3:   want{1100, "collection name should be not empty: invalid parameter[expected=not empty][actual=]"}},

	// Rootcoord errors.
	{name: "create existing user", setup: withUser("bob", "secret1"), endpoint: "users/create", body: `{"userName":"bob","password":"secret1"}`,
		e1: want{65535, "user already exists: bob"}, e3: want{1100, "user already exists: bob: invalid parameter"}},
	{name: "create existing role", setup: withRole("r"), endpoint: "roles/create", body: `{"roleName":"r"}`,
		e1: want{65535, `role [name:"r"] already exists`}, e3: want{1100, `role [name:"r"] already exists: invalid parameter`}},
	{name: "create role named like a built-in", endpoint: "roles/create", body: `{"roleName":"admin"}`,
		e1: want{65535, `role [name:"admin"] already exists`}, e3: want{1100, `role [name:"admin"] already exists: invalid parameter`}},
	{name: "drop missing role", endpoint: "roles/drop", body: `{"roleName":"ghost"}`,
		e1: want{65535, notFoundRole}, e3: want{1100, `the role "ghost" does not exist: invalid parameter`}},
	{name: "describe missing role", endpoint: "roles/describe", body: `{"roleName":"ghost"}`,
		e1: want{65535, notFoundRole}, e3: want{1100, `the role "ghost" does not exist: invalid parameter`}},
	{name: "grant missing role to a user", setup: withUser("bob", "secret1"), endpoint: "users/grant_role", body: `{"userName":"bob","roleName":"ghost"}`,
		e1: want{65535, notFoundRole}, e3: want{1100, `the role "ghost" does not exist: invalid parameter`}},
	{name: "revoke missing role from a user", setup: withUser("bob", "secret1"), endpoint: "users/revoke_role", body: `{"userName":"bob","roleName":"ghost"}`,
		e1: want{65535, notFoundRole}, e3: want{1100, `the role "ghost" does not exist: invalid parameter`}},
	{name: "grant role to missing user", setup: withRole("r"), endpoint: "users/grant_role", body: `{"userName":"bob","roleName":"r"}`,
		e1: want{65535, notFoundUser}, e3: want{1100, `failed to check if operate user role: user "bob" not found: invalid parameter`}},
	{name: "grant privilege to missing role", endpoint: "roles/grant_privilege",
		body: `{"roleName":"ghost","objectType":"Collection","objectName":"*","privilege":"Search"}`,
		e1:   want{65535, notFoundRole}, e3: want{1100, `the role "ghost" does not exist: invalid parameter`}},
	{name: "grant v2 to missing role", endpoint: "roles/grant_privilege_v2",
		body: `{"roleName":"ghost","privilege":"Search","dbName":"*","collectionName":"*"}`,
		e1:   want{65535, notFoundRole}, e3: want{1100, `the role "ghost" does not exist: invalid parameter`}},
	{name: "drop role with a grant in another database",
		setup: func(t *testing.T, h *harness) {
			withRole("r")(t, h)
			h.mustOK("roles/grant_privilege_v2", `{"roleName":"r","privilege":"Search","dbName":"sales","collectionName":"*"}`)
		},
		endpoint: "roles/drop", body: `{"roleName":"r"}`,
		e1: want{65535, hasGrants}, e2: &want{65535, "failed to check if drop role: " + hasGrants},
		e3: want{1100, "failed to check if drop role: " + hasGrants + ": invalid parameter"}},
	{name: "drop admin", endpoint: "roles/drop", body: `{"roleName":"admin"}`,
		e1: want{1401, "the role[admin] is a default role, which can't be dropped: privilege not permitted"},
		e3: want{1401, "the role[admin] is a default role, which can't be dropped: privilege not permitted"}},
	{name: "drop public", endpoint: "roles/drop", body: `{"roleName":"public"}`,
		e1: want{1401, "the role[public] is a default role, which can't be dropped: privilege not permitted"},
		e3: want{1401, "the role[public] is a default role, which can't be dropped: privilege not permitted"}},
	{name: "drop config built-in role", opts: Options{BuiltinRoles: []string{"db_admin"}}, endpoint: "roles/drop", body: `{"roleName":"db_admin"}`,
		e1: want{1401, "the role[db_admin] is a builtin role, which can't be dropped: privilege not permitted"},
		e3: want{1401, "the role[db_admin] is a builtin role, which can't be dropped: privilege not permitted"}},
	{name: "drop root", endpoint: "users/drop", body: `{"userName":"root"}`,
		e1: want{1401, "root user cannot be deleted: privilege not permitted"},
		e3: want{1401, "root user cannot be deleted: privilege not permitted"}},
	{name: "wrong old password", setup: withUser("bob", "secret1"), endpoint: "users/update_password",
		body: `{"userName":"bob","password":"wrong12","newPassword":"secret2"}`,
		e1:   want{1400, "old password not correct for bob: not authenticated"},
		e3:   want{1400, "old password not correct for bob: not authenticated"}},
	{name: "even root needs the old password", setup: withUser("bob", "secret1"), endpoint: "users/update_password",
		body: `{"userName":"bob","password":"anything","newPassword":"secret2"}`,
		e1:   want{1400, "old password not correct for bob: not authenticated"},
		e3:   want{1400, "old password not correct for bob: not authenticated"}},
	{name: "new password too short", setup: withUser("bob", "secret1"), endpoint: "users/update_password",
		body: `{"userName":"bob","password":"secret1","newPassword":"short"}`,
		e1:   want{1100, "invalid password length: invalid parameter[5 out of range 6 <= value <= 72]"},
		e3:   want{1100, "invalid password length: invalid parameter[5 out of range 6 <= value <= 72]"}},
	{name: "v1 unknown privilege", setup: withRole("r"), endpoint: "roles/grant_privilege",
		body: `{"roleName":"r","objectType":"Collection","objectName":"*","privilege":"Foo"}`,
		e1:   want{65535, "not found the privilege name[Foo] in object[Collection]"},
		e3:   want{1100, "not found the privilege name[Foo] in object[Collection]: invalid parameter"}},
	{name: "v1 privilege of another object type", setup: withRole("r"), endpoint: "roles/grant_privilege",
		body: `{"roleName":"r","objectType":"Collection","objectName":"*","privilege":"CreateCollection"}`,
		e1:   want{65535, "not found the privilege name[CreateCollection] in object[Collection]"},
		e3:   want{1100, "not found the privilege name[CreateCollection] in object[Collection]: invalid parameter"}},
	{name: "v1 privilege of a later release (3.0)", setup: withRole("r"), endpoint: "roles/grant_privilege",
		body: `{"roleName":"r","objectType":"Collection","objectName":"*","privilege":"CreateSnapshot"}`,
		e1:   want{65535, "not found the privilege name[CreateSnapshot] in object[Collection]"},
		e3:   want{1100, "not found the privilege name[CreateSnapshot] in object[Collection]: invalid parameter"}},
	{name: "v1 privilege known only to v2", setup: withRole("r"), endpoint: "roles/grant_privilege",
		body: `{"roleName":"r","objectType":"Global","objectName":"*","privilege":"GetReplicateConfiguration"}`,
		e1:   want{65535, "not found the privilege name[GetReplicateConfiguration] in object[Global]"},
		e3:   want{1100, "not found the privilege name[GetReplicateConfiguration] in object[Global]: invalid parameter"}},
	{name: "v1 with a built-in group", setup: withRole("r"), endpoint: "roles/grant_privilege",
		body: `{"roleName":"r","objectType":"Global","objectName":"*","privilege":"ClusterAdmin"}`,
		e1:   want{65535, "can not operate the built-in privilege group [ClusterAdmin]"},
		e3:   want{1100, "can not operate the built-in privilege group [ClusterAdmin]: invalid parameter"}},
	{name: "v1 with a custom group", setup: all(withRole("r"), withGroup("g", "Query")), endpoint: "roles/grant_privilege",
		body: `{"roleName":"r","objectType":"Global","objectName":"*","privilege":"g"}`,
		e1:   want{65535, "can not operate the custom privilege group [g]"},
		e3:   want{1100, "can not operate the custom privilege group [g]: invalid parameter"}},
	{name: "v1 revoke of a group", setup: all(withRole("r"), withGroup("g", "Query")), endpoint: "roles/revoke_privilege",
		body: `{"roleName":"r","objectType":"Global","objectName":"*","privilege":"g"}`,
		e1:   want{65535, "can not operate the custom privilege group [g]"},
		e3:   want{1100, "can not operate the custom privilege group [g]: invalid parameter"}},
	{name: "v2 unknown privilege", setup: withRole("r"), endpoint: "roles/grant_privilege_v2",
		body: `{"roleName":"r","privilege":"Foo","dbName":"*","collectionName":"*"}`,
		e1:   want{65535, "not found the privilege name[Foo]"}, e3: want{1100, "not found the privilege name[Foo]: invalid parameter"}},
	{name: "v2 revoke of a custom group that does not exist", setup: withRole("r"), endpoint: "roles/revoke_privilege_v2",
		body: `{"roleName":"r","privilege":"gone","dbName":"*","collectionName":"*"}`,
		e1:   want{65535, "not found the privilege name[gone]"}, e3: want{1100, "not found the privilege name[gone]: invalid parameter"}},
	{name: "v2 cluster group in one database", setup: withRole("r"), endpoint: "roles/grant_privilege_v2",
		body: `{"roleName":"r","privilege":"ClusterReadOnly","dbName":"db1","collectionName":"*"}`,
		e1:   want{1100, "dbName and collectionName should be * for the cluster level privilege: ClusterReadOnly: invalid parameter"},
		e3:   want{1100, "dbName and collectionName should be * for the cluster level privilege: ClusterReadOnly: invalid parameter"}},
	{name: "too many users, root counted", opts: Options{MaxUsers: 2}, setup: withUser("bob", "secret1"), endpoint: "users/create",
		body: `{"userName":"carol","password":"secret1"}`,
		e1:   want{65535, "unable to add user because the number of users has reached the limit"},
		e2:   &want{65535, "failed to check if add credential: unable to add user because the number of users has reached the limit"},
		e3:   want{9, "failed to check if add credential: quota exceeded[reason=unable to add user because the number of users has reached the limit]"}},
	{name: "too many roles, admin and public counted", opts: Options{MaxRoles: 3}, setup: withRole("r1"), endpoint: "roles/create",
		body: `{"roleName":"r2"}`,
		e1:   want{65535, "unable to create role because the number of roles has reached the limit"},
		e2:   &want{65535, "failed to check if create role: unable to create role because the number of roles has reached the limit"},
		e3:   want{9, "failed to check if create role: quota exceeded[reason=unable to create role because the number of roles has reached the limit]"}},
	{name: "config built-ins count against the role limit", opts: Options{MaxRoles: 5, BuiltinRoles: []string{"db_admin", "db_ro", "db_rw"}},
		endpoint: "roles/create", body: `{"roleName":"r1"}`,
		e1: want{65535, "unable to create role because the number of roles has reached the limit"},
		e2: &want{65535, "failed to check if create role: unable to create role because the number of roles has reached the limit"},
		e3: want{9, "failed to check if create role: quota exceeded[reason=unable to create role because the number of roles has reached the limit]"}},
	{name: "group already exists", setup: withGroup("g"), endpoint: "privilege_groups/create", body: `{"privilegeGroupName":"g"}`,
		e1: want{1100, "privilege group name [g] is defined by users: invalid parameter"},
		e3: want{1100, "privilege group name [g] is defined by users: invalid parameter"}},
	{name: "group named like a privilege", endpoint: "privilege_groups/create", body: `{"privilegeGroupName":"Query"}`,
		e1: want{1100, "privilege group name [Query] is defined by built in privileges or privilege groups in system: invalid parameter"},
		e3: want{1100, "privilege group name [Query] is defined by built in privileges or privilege groups in system: invalid parameter"}},
	{name: "drop a group still granted",
		setup: func(t *testing.T, h *harness) {
			all(withRole("r"), withGroup("g", "Query"))(t, h)
			h.mustOK("roles/grant_privilege_v2", `{"roleName":"r","privilege":"g","dbName":"db1","collectionName":"*"}`)
		},
		endpoint: "privilege_groups/drop", body: `{"privilegeGroupName":"g"}`,
		e1: want{65535, "privilege group [g] is used by role [r], Use REVOKE API to revoke it first"},
		e3: want{1100, "privilege group [g] is used by role [r], Use REVOKE API to revoke it first: invalid parameter"}},
	{name: "add to a missing group", endpoint: "privilege_groups/add_privileges_to_group", body: `{"privilegeGroupName":"g","privileges":["Query"]}`,
		e1: want{1100, "there is no privilege group name [g] to operate: invalid parameter"},
		e2: &want{1100, "there is no privilege group name [g] defined in system to operate: invalid parameter"},
		e3: want{1100, "there is no privilege group name [g] defined in system to operate: invalid parameter"}},
	{name: "add to a built-in group", endpoint: "privilege_groups/add_privileges_to_group", body: `{"privilegeGroupName":"ClusterAdmin","privileges":["Query"]}`,
		e1: want{1100, "there is no privilege group name [ClusterAdmin] to operate: invalid parameter"},
		e2: &want{1100, "there is no privilege group name [ClusterAdmin] defined in system to operate: invalid parameter"},
		e3: want{1100, "there is no privilege group name [ClusterAdmin] defined in system to operate: invalid parameter"}},
	{name: "remove from a built-in group", endpoint: "privilege_groups/remove_privileges_from_group", body: `{"privilegeGroupName":"CollectionReadOnly","privileges":["Query"]}`,
		e1: want{1100, "there is no privilege group name [CollectionReadOnly] to operate: invalid parameter"},
		e2: &want{1100, "there is no privilege group name [CollectionReadOnly] defined in system to operate: invalid parameter"},
		e3: want{1100, "there is no privilege group name [CollectionReadOnly] defined in system to operate: invalid parameter"}},
	{name: "add an unknown privilege", setup: withGroup("g"), endpoint: "privilege_groups/add_privileges_to_group", body: `{"privilegeGroupName":"g","privileges":["Foo"]}`,
		e1: want{1100, "there is no privilege name or privilege group name [Foo] defined in system to operate: invalid parameter"},
		e3: want{1100, "there is no privilege name or privilege group name [Foo] defined in system to operate: invalid parameter"}},
	{name: "add privileges of mixed levels", setup: withGroup("g", "Query"), endpoint: "privilege_groups/add_privileges_to_group",
		body: `{"privilegeGroupName":"g","privileges":["CreateCollection"]}`,
		e1:   want{65535, "privileges are not the same privilege level"}, e2: &want{1100, "privileges are not the same privilege level: invalid parameter"},
		e3: want{1100, "privileges are not the same privilege level: invalid parameter"}},
	{name: "add an empty list", setup: withGroup("g"), endpoint: "privilege_groups/add_privileges_to_group", body: `{"privilegeGroupName":"g","privileges":[]}`,
		e1: want{0, ""}, e2: &want{1100, "privileges is empty when alter the privilege group: invalid parameter"},
		e3: want{1100, "privileges is empty when alter the privilege group: invalid parameter"}},
}

func TestErrorsByEra(t *testing.T) {
	for _, era := range []release.Era{release.E1, release.E2, release.E3} {
		for _, tc := range errCases {
			w := tc.e1
			switch {
			case era == release.E3:
				w = tc.e3
			case era == release.E2 && tc.e2 != nil:
				w = *tc.e2
			}
			t.Run(era.String()+"/"+tc.name, func(t *testing.T) {
				opts := tc.opts
				opts.Version = eraVersion[era]
				h := start(t, opts)
				if tc.setup != nil {
					tc.setup(t, h)
				}
				st, body := h.do(rootToken, tc.endpoint, tc.body)
				if st != 200 {
					t.Fatalf("HTTP %d %s, want 200", st, body)
				}
				got := decode(t, body)
				if got.Code != w.code || got.Message != w.msg {
					t.Errorf("got  %d %q\nwant %d %q", got.Code, got.Message, w.code, w.msg)
				}
				if w.code != 0 && got.Data != nil {
					t.Errorf("error envelope carries data: %s", body)
				}
				if w.code == 0 && strings.Contains(body, `"message"`) {
					t.Errorf("success envelope carries a message: %s", body)
				}
			})
		}
	}
}
