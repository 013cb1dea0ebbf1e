package spec

import "github.com/milvus-rbac/milvus-rbac/privilege"

func isBuiltinGroupName(name string) bool {
	return privilege.IsBuiltinGroup(name) || privilege.IsLegacyGroup(name)
}
