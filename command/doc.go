// Package command runs the milvus-rbac commands (validate, plan, apply, drift, export, access, check): each
// is an options struct and a function that takes it and returns an exit code. It joins the
// spec, milvus, plan and apply packages, and it is the one place where errors become exit codes
// and hints. It parses no flag (main.go does) and holds no REST or diff logic.
package command
