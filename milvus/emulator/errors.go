package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/milvus-rbac/milvus-rbac/release"
)

// Codes of pkg/util/merr (errors.go) that the RBAC endpoints return.
const (
	codeCollectionNotFound   = 100
	codeDatabaseNotFound     = 800
	codeInvalidDatabaseName  = 802
	codeParameterInvalid     = 1100
	codeNotAuthenticated     = 1400 // ErrPrivilegeNotAuthenticated
	codeNotPermitted         = 1401 // ErrPrivilegeNotPermitted
	codeGroupNameInvalid     = 1402 // ErrPrivilegeGroupInvalidName
	codeAliasNotFound        = 1600
	codeNeedAuthenticate     = 1800
	codeIncorrectParameter   = 1801 // REST: body is not JSON of the right shape
	codeMissingRequiredParam = 1802 // REST: binding:"required" failed
	codeUnexpected           = 65535
)

// apiError is an error envelope {"code":N,"message":"..."} and the HTTP status it goes with
// (200 unless set: RPC errors travel with HTTP 200).
type apiError struct {
	status  int
	code    int
	message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d: %s", e.code, e.message) }

// fail is an RPC-level error, sent with HTTP 200.
func fail(code int, format string, args ...any) *apiError {
	return &apiError{status: http.StatusOK, code: code, message: fmt.Sprintf(format, args...)}
}

// invalid is merr.WrapErrParameterInvalidMsg: code 1100, ": invalid parameter" appended.
func invalid(format string, args ...any) *apiError {
	return fail(codeParameterInvalid, "%s: invalid parameter", fmt.Sprintf(format, args...))
}

// notPermitted is merr.WrapErrPrivilegeNotPermitted: code 1401.
func notPermitted(format string, args ...any) *apiError {
	return fail(codeNotPermitted, "%s: privilege not permitted", fmt.Sprintf(format, args...))
}

// rootcoord is an error that rootcoord raises as a plain Go error in E1 and E2 (code 65535,
// message as is) and that E3 classifies as an input error (1100, full chain ending in
// ": invalid parameter"). e2Prefix is the wrapping E2 and E3 add, if any.
func (s *Server) rootcoord(e2Prefix, format string, args ...any) *apiError {
	msg := fmt.Sprintf(format, args...)
	switch s.era() {
	case release.E1:
		return fail(codeUnexpected, "%s", msg)
	case release.E2:
		return fail(codeUnexpected, "%s", e2Prefix+msg)
	}
	return invalid("%s", e2Prefix+msg)
}

// errRoleNotFound is the answer about a role that does not exist (drop, grant_role, grants,
// describe).
func (s *Server) errRoleNotFound(role string) *apiError {
	if s.era() == release.E3 {
		return invalid("the role %q does not exist", role)
	}
	return fail(codeUnexpected, "not found the role, maybe the role isn't existed or internal system error")
}

// errUserNotFound is the answer of grant_role about a user that does not exist.
func (s *Server) errUserNotFound(user string) *apiError {
	if s.era() == release.E3 {
		return invalid("failed to check if operate user role: user %q not found", user)
	}
	return fail(codeUnexpected, "not found the user, maybe the user isn't existed or internal system error")
}

// errLimit is the answer when maxUserNum or maxRoleNum is reached. 2.4 and 2.5 send the plain
// sentence (MetaTable.AddCredential / CreateRole, errors.New: 65535); the WAL releases wrap it
// in "failed to check if add credential: " or "failed to check if create role: "
// (ddl_callbacks_rbac_credential.go, ddl_callbacks_rbac_role.go); 2.6.19 makes it
// merr.WrapErrServiceQuotaExceeded (#50221), code 9, "quota exceeded[reason=<sentence>]".
func (s *Server) errLimit(check, msg string) *apiError {
	switch s.era() {
	case release.E1:
		return fail(s.prof.LimitCode(), "%s", msg)
	case release.E2:
		return fail(s.prof.LimitCode(), "failed to check if %s: %s", check, msg)
	}
	return fail(s.prof.LimitCode(), "failed to check if %s: quota exceeded[reason=%s]", check, msg)
}

// errPermissionDenied is the PrivilegeInterceptor's denial: HTTP 403, code 65535.
func errPermissionDenied(priv, user, db string) *apiError {
	return &apiError{
		status: http.StatusForbidden,
		code:   codeUnexpected,
		message: fmt.Sprintf("rpc error: code = PermissionDenied desc = Privilege%s: permission deny to %s in the `%s` database",
			priv, user, db),
	}
}

// errUnauthenticated is the authenticate middleware's answer: HTTP 401, code 1800.
var errUnauthenticated = &apiError{status: http.StatusUnauthorized, code: codeNeedAuthenticate, message: "user hasn't authenticated"}

// writeError writes e as {"code":N,"message":"..."}.
func writeError(w http.ResponseWriter, e *apiError) {
	status := e.status
	if status == 0 {
		status = http.StatusOK
	}
	writeJSON(w, status, map[string]any{"code": e.code, "message": e.message})
}

// writeJSON writes v as gin's c.JSON does. A nil v is the mutation success envelope.
func writeJSON(w http.ResponseWriter, status int, v any) {
	if v == nil {
		v = map[string]any{"code": 0, "data": map[string]any{}}
	}
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"code":65535,"message":"emulator: cannot encode response"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// notFound is gin's default answer to an unknown route (and to a method it has no route for).
func notFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte("404 page not found"))
}

// list is the success envelope of a list: data is [] and never null.
func list[T any](items []T) map[string]any {
	if items == nil {
		items = []T{}
	}
	return map[string]any{"code": 0, "data": items}
}
