package emulator

import (
	"strings"

	"github.com/milvus-rbac/milvus-rbac/privilege"
	"github.com/milvus-rbac/milvus-rbac/release"
)

// The proxy validators of internal/proxy/util.go. Their messages are
// merr wraps, so they read the same in every era: E3 reports the full chain, E1/E2 the innermost
// wrapper, and for these the two coincide.

const (
	maxUsernameLength    = 32   // proxy.maxUsernameLength
	minPasswordLength    = 6    // proxy.minPasswordLength
	maxPasswordLength    = 72   // proxy.maxPasswordLength (bcrypt)
	maxNameLength        = 255  // proxy.maxNameLength
	maxDescriptionLength = 1024 // proxy.maxUserDescriptionLength / maxRoleDescriptionLength (E3)
)

func isAlpha(c byte) bool  { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isNumber(c byte) bool { return c >= '0' && c <= '9' }

// validateUsername is ValidateUsername: trimmed, 1..32 bytes, a letter first, then letters,
// digits and "_"; "." and "-" too from 2.6.0 (release.DottedUserNames).
func (s *Server) validateUsername(name string) *apiError {
	name = strings.TrimSpace(name)
	if name == "" {
		return invalid("username must be not empty")
	}
	if len(name) > maxUsernameLength {
		return invalid("invalid username %s with length %d, the length of username must be less than %d", name, len(name), maxUsernameLength)
	}
	if !isAlpha(name[0]) {
		return invalid("invalid user name %s, the first character must be a letter, but got %s", name, string(name[0]))
	}
	dotDash := s.prof.Has(release.DottedUserNames)
	for i := 1; i < len(name); i++ {
		c := name[i]
		if c == '_' || isAlpha(c) || isNumber(c) || (dotDash && (c == '.' || c == '-')) {
			continue
		}
		if dotDash {
			return invalid("invalid user name %s, username must contain only numbers, letters, underscores, dots, and hyphens, but got %c", name, c)
		}
		return invalid("invalid user name %s, username must contain only numbers, letters and underscores, but got %c", name, c)
	}
	return nil
}

// validatePassword is ValidatePassword: 6..72 bytes, no other rule.
func validatePassword(password string) *apiError {
	if n := len(password); n < minPasswordLength || n > maxPasswordLength {
		return fail(codeParameterInvalid, "invalid password length: invalid parameter[%d out of range %d <= value <= %d]",
			n, minPasswordLength, maxPasswordLength)
	}
	return nil
}

// validateName is validateName: trimmed, 1..255 bytes, a letter or "_" first, then letters,
// digits, "_" and "$". It serves role names, object and collection names, object types and
// privilege names, nameType saying which.
func (s *Server) validateName(entity, nameType string) *apiError {
	entity = strings.TrimSpace(entity)
	if entity == "" {
		return fail(codeParameterInvalid, "%s should be not empty: invalid parameter[expected=not empty][actual=]", nameType)
	}
	if len(entity) > maxNameLength {
		return fail(codeParameterInvalid, "the length of %s must be not greater than limit: invalid parameter[%d out of range 0 <= value <= %d]",
			nameType, len(entity), maxNameLength)
	}
	if c := entity[0]; c != '_' && !isAlpha(c) {
		// WrapErrParameterInvalid('_', firstChar, ...) prints both as numbers.
		return fail(codeParameterInvalid, "the first character of %s must be an underscore or letter: invalid parameter[expected=%d][actual=%d]",
			nameType, '_', c)
	}
	for i := 1; i < len(entity); i++ {
		if c := entity[i]; c != '_' && c != '$' && !isAlpha(c) && !isNumber(c) {
			if s.prof.Has(release.NameAllowedChars) {
				// validateNameWithCustomChars; "$" is the default of proxy.nameValidation.allowedChars
				// and of proxy.roleNameValidation.allowedChars.
				return invalid("%s can only contain numbers, letters, underscores, and allowed characters ($), found %c at %d", nameType, c, i)
			}
			return invalid("%s can only contain numbers, letters, dollars and underscores, found %c at %d", nameType, c, i)
		}
	}
	return nil
}

func (s *Server) validateRoleName(name string) *apiError { return s.validateName(name, "role name") }

// validateObjectName is ValidateObjectName: "*" or a name.
func (s *Server) validateObjectName(name string) *apiError {
	if name == privilege.Wildcard {
		return nil
	}
	return s.validateName(name, "object name")
}

// validateCollectionName is ValidateCollectionName: "*" or a name; "" fails with
// "collection name should be not empty".
func (s *Server) validateCollectionName(name string) *apiError {
	if name == privilege.Wildcard {
		return nil
	}
	return s.validateName(name, "collection name")
}

// validatePrivilege is ValidatePrivilege: "*" or a name. Whether the name exists is rootcoord's
// business.
func (s *Server) validatePrivilege(name string) *apiError {
	if name == privilege.Wildcard {
		return nil
	}
	return s.validateName(name, "Privilege")
}

// validatePrivilegeGroupName is ValidatePrivilegeGroupName: empty, too long or a bad first
// character is 1402; a bad later character (including "$") is 1100.
func validatePrivilegeGroupName(name string) *apiError {
	const suffix = ": invalid privilege group name"
	if name == "" {
		return fail(codeGroupNameInvalid, "privilege group name should not be empty"+suffix)
	}
	if len(name) > maxNameLength {
		return fail(codeGroupNameInvalid, "the length of a privilege group name %s must be less than %d characters"+suffix, name, maxNameLength)
	}
	if c := name[0]; c != '_' && !isAlpha(c) {
		return fail(codeGroupNameInvalid, "the first character of a privilege group name %s must be an underscore or letter"+suffix, name)
	}
	for i := 1; i < len(name); i++ {
		if c := name[i]; c != '_' && !isAlpha(c) && !isNumber(c) {
			return invalid("privilege group name %s can only contain numbers, letters and underscores", name)
		}
	}
	return nil
}

// validateDatabaseName is ValidateDatabaseName (code 802), applied by grant v2 to a dbName that
// is neither empty nor "*".
func validateDatabaseName(name string) *apiError {
	const suffix = ": invalid database name[database=%s]"
	if len(name) > maxNameLength {
		return fail(codeInvalidDatabaseName, "the length of a database name must be less than %d characters"+suffix, maxNameLength, name)
	}
	if c := name[0]; c != '_' && !isAlpha(c) {
		return fail(codeInvalidDatabaseName, "the first character of a database name must be an underscore or letter"+suffix, name)
	}
	for i := 1; i < len(name); i++ {
		if c := name[i]; c != '_' && !isAlpha(c) && !isNumber(c) {
			return fail(codeInvalidDatabaseName, "database name can only contain numbers, letters and underscores"+suffix, name)
		}
	}
	return nil
}

// validateDescription bounds a description (release.Descriptions).
func validateDescription(what string, d *string) *apiError {
	if d != nil && len(*d) > maxDescriptionLength {
		return fail(codeParameterInvalid, "the length of %s description must be not greater than limit: invalid parameter[%d out of range 0 <= value <= %d]",
			what, len(*d), maxDescriptionLength)
	}
	return nil
}
