package emulator

import (
	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/release"
)

// introduced holds the privileges that release lines after 2.5 added (pkg/util/constant.go
// on each line). A privilege not listed exists in every emulated release.
var introduced = map[string]privilege.Version{
	"GetImportProgress": privilege.V2_6_0, "ListImport": privilege.V2_6_0, "AddCollectionField": privilege.V2_6_0,
	"UpdateReplicateConfiguration": privilege.V2_6_6, "GetReplicateConfiguration": privilege.V2_6,

	"AlterCollectionSchema": privilege.V3_0, "RefreshExternalCollection": privilege.V3_0,
	"CreateSnapshot": privilege.V3_0, "DropSnapshot": privilege.V3_0, "DescribeSnapshot": privilege.V3_0,
	"RestoreSnapshot": privilege.V3_0, "ListSnapshots": privilege.V3_0, "PinSnapshotData": privilege.V3_0,
	"UnpinSnapshotData": privilege.V3_0, "RestoreExternalSnapshot": privilege.V3_0, "ExportSnapshot": privilege.V3_0,
	"PrivilegeExpr": privilege.V3_0, "AddFileResource": privilege.V3_0, "RemoveFileResource": privilege.V3_0,
	"ListFileResources": privilege.V3_0,
}

// notInObjectPrivileges are enum entries in no util.ObjectPrivileges list: v2 accepts them,
// v1 does not.
var notInObjectPrivileges = map[string]bool{
	"GetReplicateConfiguration": true, "AddFileResource": true, "RemoveFileResource": true, "ListFileResources": true,
}

// versionRank orders the group contents of package privilege by release.
var versionRank = map[privilege.Version]int{privilege.V2_5: 0, privilege.V2_6_0: 1, privilege.V2_6_6: 2, privilege.V2_6: 3, privilege.V3_0: 4}

// privilegeDefined is util.IsPrivilegeNameDefined for the emulated release (the privilege
// tables of release.Profile.Groups): a privilege or built-in group name of the enum; "*" is not
// one.
func (s *Server) privilegeDefined(name string) bool {
	if name == privilege.Wildcard || !privilege.Known(name) {
		return false
	}
	if privilege.IsBuiltinGroup(name) && !s.builtinGroupsExist() {
		return false
	}
	if v, ok := introduced[name]; ok && versionRank[s.prof.Groups()] < versionRank[v] {
		return false
	}
	return true
}

// builtinMembers is the contents of a built-in group in the emulated release.
func (s *Server) builtinMembers(group string) []string {
	return privilege.Members(group, s.prof.Groups())
}

// errNoCurrentUser is what grant/revoke answer when authorization is disabled: the proxy needs
// a current user to record as grantor and the context has none (impl.go OperatePrivilege).
func errNoCurrentUser() *apiError {
	return invalid("fail to get authorization from the md, authorization:[token]")
}

// roles/grant_privilege (v1): OperatePrivilege(Grant), ManageOwnership.
func (s *Server) grantPrivilegeV1(c *caller, body []byte) (any, *apiError) {
	return s.operatePrivilegeV1(c, body, true)
}

// roles/revoke_privilege (v1): OperatePrivilege(Revoke), ManageOwnership.
func (s *Server) revokePrivilegeV1(c *caller, body []byte) (any, *apiError) {
	return s.operatePrivilegeV1(c, body, false)
}

// operatePrivilegeV1 follows the proxy (validPrivilegeParams, current user) and rootcoord
// (operatePrivilegeCommonCheck, isValidPrivilege): the privilege must belong to the object type,
// groups other than the legacy ones are refused, a Global grant of anything but a legacy group
// is stored with objectName "*", and Load/Flush bring their related privileges.
func (s *Server) operatePrivilegeV1(c *caller, body []byte, grant bool) (any, *apiError) {
	var rq grantReq
	if e := bind(body, &rq, req("RoleName", &rq.RoleName), req("ObjectType", &rq.ObjectType),
		req("ObjectName", &rq.ObjectName), req("Privilege", &rq.Privilege)); e != nil {
		return nil, e
	}
	db := c.db(rq.DbName)
	if e := s.authorize(c, privilege.ObjectGlobal, "ManageOwnership", privilege.Wildcard, db); e != nil {
		return nil, e
	}
	if e := s.validateName(rq.ObjectType, "ObjectType"); e != nil {
		return nil, e
	}
	if e := s.validateObjectName(rq.ObjectName); e != nil {
		return nil, e
	}
	if e := s.validateRoleName(rq.RoleName); e != nil {
		return nil, e
	}
	if e := s.validatePrivilege(rq.Privilege); e != nil {
		return nil, e
	}
	if s.opts.AuthorizationDisabled {
		return nil, errNoCurrentUser()
	}
	objectName := rq.ObjectName
	if s.prof.Has(release.ResolveAliasInGrants) && rq.ObjectType == privilege.ObjectCollection && objectName != privilege.Wildcard {
		// proxy OperatePrivilege resolves Collection grants only (impl.go, #48052).
		resolved, e := s.resolveAlias(db, objectName)
		if e != nil {
			return nil, e
		}
		objectName = resolved
	}
	switch rq.ObjectType {
	case privilege.ObjectCollection, privilege.ObjectGlobal, privilege.ObjectUser:
	default:
		return nil, s.rootcoord("", "the object entity in the request is nil or invalid")
	}
	r, ok := s.st.roles[rq.RoleName]
	if !ok {
		return nil, s.errRoleNotFound(rq.RoleName)
	}
	for _, p := range append([]string{rq.Privilege}, privilege.Related[rq.Privilege]...) {
		if e := s.checkPrivilegeV1(p, rq.ObjectType); e != nil {
			return nil, e
		}
		object := objectName
		if rq.ObjectType == privilege.ObjectGlobal && !privilege.IsLegacyGroup(p) && !privilege.IsBuiltinGroup(p) {
			object = privilege.Wildcard
		}
		s.apply(r, grantKey{rq.ObjectType, db, object, p}, c.user, grant)
	}
	return nil, nil
}

// checkPrivilegeV1 is rootcoord's isValidPrivilege.
func (s *Server) checkPrivilegeV1(p, objectType string) *apiError {
	if p == privilege.Wildcard {
		return nil
	}
	if _, ok := s.st.groups[p]; ok {
		return s.rootcoord("", "can not operate the custom privilege group [%s]", p)
	}
	if s.builtinGroupsExist() && privilege.IsBuiltinGroup(p) {
		return s.rootcoord("", "can not operate the built-in privilege group [%s]", p)
	}
	if s.privilegeDefined(p) && !notInObjectPrivileges[p] && privilege.ObjectType(p) == objectType {
		return nil
	}
	return s.rootcoord("", "not found the privilege name[%s] in object[%s]", p, objectType)
}

// roles/grant_privilege_v2: OperatePrivilegeV2(Grant), ManageOwnership.
func (s *Server) grantPrivilegeV2(c *caller, body []byte) (any, *apiError) {
	return s.operatePrivilegeV2(c, body, true)
}

// roles/revoke_privilege_v2: OperatePrivilegeV2(Revoke), ManageOwnership.
func (s *Server) revokePrivilegeV2(c *caller, body []byte) (any, *apiError) {
	return s.operatePrivilegeV2(c, body, false)
}

// operatePrivilegeV2 follows the proxy (role, privilege, database and collection names, current
// user) and rootcoord (role, isValidPrivilegeV2, validatePrivilegeGroupParams): the object type
// is derived from the privilege, objectName is collectionName as sent, an empty dbName is
// stored as "default", and Load/Flush bring their related privileges.
func (s *Server) operatePrivilegeV2(c *caller, body []byte, grant bool) (any, *apiError) {
	var rq grantV2Req
	if e := bind(body, &rq, req("RoleName", &rq.RoleName), req("Privilege", &rq.Privilege)); e != nil {
		return nil, e
	}
	if e := s.authorize(c, privilege.ObjectGlobal, "ManageOwnership", privilege.Wildcard, c.db(rq.DbName)); e != nil {
		return nil, e
	}
	if e := s.validateRoleName(rq.RoleName); e != nil {
		return nil, e
	}
	if e := s.validatePrivilege(rq.Privilege); e != nil {
		return nil, e
	}
	if rq.DbName != "" && rq.DbName != privilege.Wildcard {
		if e := validateDatabaseName(rq.DbName); e != nil {
			return nil, e
		}
	}
	if e := s.validateCollectionName(rq.CollectionName); e != nil {
		return nil, e
	}
	if s.opts.AuthorizationDisabled {
		return nil, errNoCurrentUser()
	}
	collection := rq.CollectionName
	if s.prof.Has(release.ResolveAliasInGrants) && collection != privilege.Wildcard {
		// proxy OperatePrivilegeV2 resolves every collectionName but "*" and "" (impl.go,
		// #48052, on by default from #48151): a user name of SelectUser/UpdateUser too, so
		// dbName "*" fails, as does a database that does not exist (or no longer does).
		resolved, e := s.resolveAlias(rq.DbName, collection)
		if e != nil {
			return nil, e
		}
		collection = resolved
	}
	r, ok := s.st.roles[rq.RoleName]
	if !ok {
		return nil, s.errRoleNotFound(rq.RoleName)
	}
	p := rq.Privilege
	if _, custom := s.st.groups[p]; !custom && p != privilege.Wildcard && !s.privilegeDefined(p) {
		// A custom group that does not exist (or no longer does) ends here too: rootcoord
		// reports it as an unknown privilege name.
		return nil, s.rootcoord("", "not found the privilege name[%s]", p)
	}
	if s.prof.Has(release.GroupLevelCheck) {
		// validatePrivilegeGroupParams came with the level check of custom groups (#39224).
		if e := s.checkGroupLevel(p, rq.DbName, collection); e != nil {
			return nil, e
		}
	}
	db := rq.DbName // passed raw by the REST handler, defaulted by MetaTable.OperatePrivilege
	if db == "" {
		db = privilege.DefaultDatabase
	}
	for _, q := range append([]string{p}, privilege.Related[p]...) {
		s.apply(r, grantKey{privilege.ObjectType(q), db, collection, q}, c.user, grant)
	}
	return nil, nil
}

// checkGroupLevel is validatePrivilegeGroupParams (root_coord.go, from 2.5.4 with
// release.GroupLevelCheck; before, a group is granted anywhere): for a group (built-in or
// custom, non-empty) the level of its first member decides where it may be granted. Single
// privileges are not checked. A custom group of mixed levels (left from an older release, or
// restored from a backup) is judged by whichever member the server happens to store first.
func (s *Server) checkGroupLevel(p, dbName, collectionName string) *apiError {
	members := s.groupMembers(p)
	if len(members) == 0 {
		return nil
	}
	level := privilege.LevelOf(members[0])
	if privilege.IsBuiltinGroup(p) {
		level = privilege.GroupLevel(p)
	}
	switch level {
	case privilege.LevelCluster:
		if dbName != privilege.Wildcard || collectionName != privilege.Wildcard {
			return invalid("dbName and collectionName should be * for the cluster level privilege: %s", p)
		}
	case privilege.LevelDatabase:
		if collectionName != "" && collectionName != privilege.Wildcard {
			return invalid("collectionName should be * for the database level privilege: %s", p)
		}
	case privilege.LevelCollection:
		if dbName == privilege.Wildcard && collectionName != "" && collectionName != privilege.Wildcard {
			return invalid("please specify database name for the collection level privilege: %s", p)
		}
	default:
		return s.rootcoord("", "not found the privilege level")
	}
	return nil
}

// apply stores or removes one grant. Granting twice keeps the first grantor; revoking what is
// not granted succeeds (kv_catalog.AlterGrant's ignorable errors).
func (s *Server) apply(r *role, k grantKey, grantor string, grant bool) {
	if !grant {
		delete(r.grants, k)
		return
	}
	if _, ok := r.grants[k]; !ok {
		r.grants[k] = grantor
	}
}
