package spec

import "github.com/milvus-rbac/milvus-rbac/problem"

// Problem is one thing wrong with a spec file: file, line, YAML path and message. It is
// problem.Problem, the one type of file problem for spec and policy files.
type Problem = problem.Problem

// Problems is every problem found in one spec file; Parse returns it as a single error.
type Problems = problem.Problems
