package milvus

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/milvus-rbac/milvus-rbac/privilege"
)

// ErrMalformedResponse is wrapped by the error of an answer that is not the JSON envelope the
// API promises (an HTML page from a proxy, a missing "code" or "data", "data" of another
// shape).
var ErrMalformedResponse = errors.New("malformed response")

// APIError is an answer of the server other than success: a non-zero code in the envelope
// (HTTP 200 for most failures), or an HTTP status other than 200 (401, 403, 404, 408, a
// proxy's 502...). Code is 0 when the answer carried none.
type APIError struct {
	Endpoint   string // "users/create"
	HTTPStatus int
	Code       int
	Message    string // the server's message, scrubbed of the secrets the client knows
}

// Error reads "users/create: code 65535: user already exists: bob", with "HTTP 401: " after
// the endpoint when the status is not 200.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Endpoint)
	if e.HTTPStatus != http.StatusOK {
		fmt.Fprintf(&b, ": HTTP %d", e.HTTPStatus)
	}
	if e.Code != 0 {
		fmt.Fprintf(&b, ": code %d", e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// TransportError is a call that got no answer: refused connection, DNS, TLS, timeout,
// cancellation. Err is the cause, with the URL (and so nothing of the request) left out.
type TransportError struct {
	Endpoint string // "users/list"
	Host     string // host:port
	URI      string // the client's URI, for hints
	Err      error
}

// Error reads "users/list: request to localhost:19530: dial tcp ...: connection refused".
func (e *TransportError) Error() string {
	return fmt.Sprintf("%s: request to %s: %v", e.Endpoint, e.Host, e.Err)
}

// Unwrap returns the cause.
func (e *TransportError) Unwrap() error { return e.Err }

// FeatureError is an operation the server cannot do because it lacks an endpoint: privilege
// groups (Milvus 2.4.16 and 2.5.0 on) or grant_privilege_v2 (2.4.18 and 2.5.0 on; without it
// no privilege group, built-in or custom, can be granted or revoked).
type FeatureError struct {
	Op      string // what was asked: `grant privilege group "ClusterReadOnly" to role "r"`
	Feature string // what is missing: "grant_privilege_v2", "privilege groups"
	Since   string // the releases that have it: "2.4.18 or 2.5.0"
	Err     error  // the 404 that revealed it; nil when known from an earlier call
}

// Feature names and the releases that brought them.
const (
	FeatureGrantV2         = "grant_privilege_v2"
	FeaturePrivilegeGroups = "privilege groups"
	sinceGrantV2           = "2.4.18 or 2.5.0"
	sincePrivilegeGroups   = "2.4.16 or 2.5.0"
)

// Error reads `grant privilege group "X" to role "r": the server lacks grant_privilege_v2
// (Milvus 2.4.18 or 2.5.0 and later have it)`.
func (e *FeatureError) Error() string {
	return fmt.Sprintf("%s: the server lacks %s (Milvus %s and later have it)", e.Op, e.Feature, e.Since)
}

// Unwrap returns the 404 that revealed the missing feature, if any.
func (e *FeatureError) Unwrap() error { return e.Err }

// is403 reports whether err is an HTTP 403 answer: the caller lacks a privilege.
func is403(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.HTTPStatus == http.StatusForbidden
}

// IsRefusal reports whether err is the server answering a call with an error (a code, a 403,
// a 404), as opposed to a failed transport, a malformed answer or a refused token (401).
func IsRefusal(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.HTTPStatus != http.StatusUnauthorized
}

// is404 reports whether err is an HTTP 404 answer: an endpoint the server does not have.
func is404(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.HTTPStatus == http.StatusNotFound
}

// alreadyExistsRE and notFoundRE match the messages of every release (E1 65535 texts, E3 1100
// texts). Codes are not used: 65535 means anything.
var (
	alreadyExistsRE = regexp.MustCompile(`already exists|is defined by users`)
	notFoundRE      = regexp.MustCompile(`not found the (role|user)\b|does not exist|isn't existed|there is no privilege group|(user|role) "[^"]*" not found`)
)

// IsAlreadyExists reports whether err is the server saying that the user, role or privilege
// group being created exists already.
func IsAlreadyExists(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.HTTPStatus == http.StatusOK && alreadyExistsRE.MatchString(ae.Message)
}

// IsNotFound reports whether err is the server saying that a user, role or privilege group
// named in the call does not exist. An unknown endpoint (HTTP 404) is not this.
func IsNotFound(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.HTTPStatus == http.StatusOK && notFoundRE.MatchString(ae.Message)
}

// permissionDeny matches the interceptor's 403 message: "PrivilegeCreateOwnership: permission
// deny to bob in the `default` database".
var permissionDeny = regexp.MustCompile("Privilege(\\w+): permission deny to (.+?) in the")

// Hint returns a one-line suggestion for a cause of err the user can fix, or "".
func Hint(err error) string {
	if err == nil {
		return ""
	}
	var fe *FeatureError
	if errors.As(err, &fe) {
		return fmt.Sprintf("upgrade Milvus to %s or later, or leave privilege groups out of the spec", fe.Since)
	}
	var te *TransportError
	if errors.As(err, &te) {
		return transportHint(te)
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return apiHint(ae)
	}
	if errors.Is(err, ErrMalformedResponse) {
		return "the answer is not Milvus REST JSON: check that --uri points at Milvus itself, not at a proxy or a web page"
	}
	return ""
}

func transportHint(te *TransportError) string {
	if p := te.policy(); p.hint != nil {
		return p.hint(te)
	}
	return ""
}

func apiHint(ae *APIError) string {
	switch {
	case ae.HTTPStatus == http.StatusUnauthorized || ae.Code == 1800:
		return "the server refused the credentials, or none were sent: set MILVUS_TOKEN (or --token) to user:password or an API key"
	case ae.HTTPStatus == http.StatusForbidden:
		if m := permissionDeny.FindStringSubmatch(ae.Message); m != nil {
			priv, who := m[1], m[2]
			hint := fmt.Sprintf("%s lacks the %s privilege: grant its role %s (or %s on Global *), or give it the admin role",
				who, priv, privilege.GroupHolding(priv), priv)
			if strings.Contains(ae.Message, "in the `*` database") {
				// Reads ask about every database at once (roles/describe with dbName "*"):
				// only a grant on database "*" covers that.
				hint += `; the call asks about every database, so the grant must be on database "*", not on one database`
			}
			return hint
		}
		return "the connecting user lacks a privilege this call needs: grant its role ClusterAdmin, or give it the admin role"
	case ae.HTTPStatus == http.StatusNotFound:
		return fmt.Sprintf("the server has no %s endpoint: it is not Milvus REST API v2 (Milvus 2.4 or later, path %s), or it is too old for this call", ae.Endpoint, BasePath)
	case ae.HTTPStatus == http.StatusRequestTimeout || ae.Code == codeRequestTimeout:
		return "the server timed the call out: retry, or raise the timeout"
	case ae.HTTPStatus == http.StatusBadRequest && strings.Contains(ae.Message, "HTTPS server"):
		return "the server speaks TLS: use https:// in --uri"
	case ae.HTTPStatus >= 300 && ae.HTTPStatus < 400:
		return "the server redirects: put the address it redirects to in --uri"
	case strings.Contains(ae.Message, "fail to get authorization from the md"):
		return "the server runs with authorization disabled (common.security.authorizationEnabled=false); grants need it enabled and MILVUS_TOKEN set"
	case strings.Contains(ae.Message, "has reached the limit"):
		return "Milvus caps users at proxy.maxUserNum (100) and roles at proxy.maxRoleNum (10, admin and public included): raise the limit in milvus.yaml or manage fewer"
	}
	return ""
}
