// Package command is the command line of milvus-rbac (validate, plan, apply, drift, export,
// access, check, version, completion). Each command is an options struct, a constructor that
// builds its flags into those options (NewCmdPlan, ...) and a function that runs it and
// returns an error: nil for success, a *CodeError for another exit code, any other error for
// exit 1; main prints the error and exits with Code, in one place. Run assembles the
// commands. It joins the spec, milvus, plan, apply, access and policy packages; it holds no
// REST, diff or access rule of its own (those live in milvus, plan and access).
package command
