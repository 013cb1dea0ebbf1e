package spec

import (
	"fmt"
)

// Name limits. Milvus counts bytes (proxy.maxUsernameLength, proxy.maxNameLength); the
// Zilliz Cloud user guide documents the same 32 for user names.
const (
	maxUserNameLen = 32
	maxNameLen     = 255
)

// Regular expressions of the names the file accepts. schema.json is generated from the same
// strings (see schema_test.go), so that an editor and the loader agree.
const (
	// userNamePattern is the Zilliz Cloud rule: an ASCII letter, then letters, digits, `_`.
	userNamePattern = `^[A-Za-z][A-Za-z0-9_]*$`
	// userNamePatternMilvus adds `.` and `-`, which Milvus accepts from 2.6.0.
	userNamePatternMilvus = `^[A-Za-z][A-Za-z0-9_.-]*$`
	// roleNamePattern is ValidateRoleName with the default extra character `$`.
	roleNamePattern = `^[A-Za-z_][A-Za-z0-9_$]*$`
	// groupNamePattern is ValidatePrivilegeGroupName: no `$`.
	groupNamePattern = `^[A-Za-z_][A-Za-z0-9_]*$`
	// databaseNamePattern is ValidateDatabaseName.
	databaseNamePattern = `^[A-Za-z_][A-Za-z0-9_]*$`
	// collectionNamePattern is ValidateCollectionName with the default extra character `$`.
	collectionNamePattern = `^[A-Za-z_][A-Za-z0-9_$]*$`
	// envNamePattern is a portable environment variable name (POSIX shells accept no other).
	envNamePattern = `^[A-Za-z_][A-Za-z0-9_]*$`
)

// nameRule describes one kind of name, so that every name error is worded the same way and
// says which part of the rule failed.
type nameRule struct {
	kind     string // "user name"
	max      int
	first    func(byte) bool
	firstMsg string // "a letter"
	rest     func(byte) bool
	restMsg  string // "letters, digits and underscores"
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

var (
	userNameRule = nameRule{"user name", maxUserNameLen, isLetter, "a letter",
		func(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' }, "letters, digits and underscores"}
	userNameRuleMilvus = nameRule{"user name", maxUserNameLen, isLetter, "a letter",
		func(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' || c == '.' || c == '-' },
		"letters, digits, underscores, dots and hyphens"}
	roleNameRule = nameRule{"role name", maxNameLen, func(c byte) bool { return isLetter(c) || c == '_' },
		"a letter or an underscore",
		func(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' || c == '$' },
		"letters, digits, underscores and dollar signs"}
	groupNameRule = nameRule{"privilege group name", maxNameLen, func(c byte) bool { return isLetter(c) || c == '_' },
		"a letter or an underscore",
		func(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' },
		"letters, digits and underscores"}
	databaseNameRule = nameRule{"database name", maxNameLen, func(c byte) bool { return isLetter(c) || c == '_' },
		"a letter or an underscore",
		func(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' },
		"letters, digits and underscores"}
	collectionNameRule = nameRule{"collection name", maxNameLen, func(c byte) bool { return isLetter(c) || c == '_' },
		"a letter or an underscore",
		func(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' || c == '$' },
		"letters, digits, underscores and dollar signs"}
	envNameRule = nameRule{"environment variable name", 1 << 20, func(c byte) bool { return isLetter(c) || c == '_' },
		"a letter or an underscore",
		func(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' },
		"letters, digits and underscores"}
)

// check returns what is wrong with name, or "" when it is valid. Milvus trims spaces before
// it validates; the file does not, because a name that differs from the one Milvus stores
// would never match the live state.
func (r nameRule) check(name string) string {
	switch {
	case name == "":
		return r.kind + " must not be empty"
	case len(name) > r.max:
		return fmt.Sprintf("%s %q is %d bytes long; at most %d are allowed", r.kind, name, len(name), r.max)
	case !r.first(name[0]):
		return fmt.Sprintf("%s %q must start with %s", r.kind, name, r.firstMsg)
	}
	for i := 1; i < len(name); i++ {
		if !r.rest(name[i]) {
			return fmt.Sprintf("%s %q may contain only %s", r.kind, name, r.restMsg)
		}
	}
	return ""
}

// PolicyFor is the password_policy a file listing these user names needs: PolicyZilliz, the
// default, unless a name holds a character only Milvus's own rule accepts ("." and "-",
// which Milvus 2.6 and later allow in user names). export writes it, so that a file exported
// from such a cluster loads.
func PolicyFor(users []string) string {
	for _, n := range users {
		if userNameRule.check(n) != "" && userNameRuleMilvus.check(n) == "" {
			return PolicyMilvus
		}
	}
	return PolicyZilliz
}
