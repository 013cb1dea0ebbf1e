module github.com/milvus-rbac/milvus-rbac

go 1.26.8
