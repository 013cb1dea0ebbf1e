package command

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/milvus-rbac/milvus-rbac/spec"
)

// SpecFiles are the spec files and directories a command reads beside (or instead of) File:
// -f may repeat and name directories. Embedded in the options of the commands that read a
// spec.
type SpecFiles struct {
	// Files, when set, are the files and directories of the spec, merged into one; File is
	// then ignored.
	Files []string
	// Recursive reads the subdirectories of a directory too.
	Recursive bool
	// Variables give template variables (from a targets file); they override the spec's.
	Variables map[string][]string
}

// paths are the files and directories to read: Files, or file alone.
func (f SpecFiles) paths(file string) []string {
	if len(f.Files) > 0 {
		return f.Files
	}
	return []string{file}
}

// args are the command-line arguments that name the same spec again: "-f a.yaml -f team/",
// with --recursive when it was given; a path with a space or a shell character quoted.
func (f SpecFiles) args(file string) string {
	var out []string
	for _, p := range f.paths(file) {
		if strings.ContainsAny(p, " \t'\"$`\\;&|<>()*?[]{}~#!") {
			p = "'" + strings.ReplaceAll(p, "'", `'\''`) + "'"
		}
		out = append(out, "-f "+p)
	}
	if f.Recursive {
		out = append(out, "--recursive")
	}
	return strings.Join(out, " ")
}

// given reports whether any file is named.
func (f SpecFiles) given(file string) bool { return len(f.Files) > 0 || file != "" }

// load reads and merges the spec. A missing access.yaml says how to name another file: it is
// what a first run without -f meets.
func (f SpecFiles) load(file string) (*spec.Spec, error) {
	s, err := spec.LoadFiles(f.paths(file), spec.LoadOptions{Recursive: f.Recursive, Variables: f.Variables})
	if err != nil && errors.Is(err, fs.ErrNotExist) && slices.Equal(f.paths(file), []string{DefaultFile}) {
		return nil, fmt.Errorf("%w: -f defaults to %s in the current directory; name the spec with -f FILE (or a directory), or set %s", err, DefaultFile, fileEnv)
	}
	return s, err
}
