package emulator

import (
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/milvus-rbac/milvus-rbac/release"
)

// DefaultVersion is the release an Options without a Version emulates: the latest 2.5, the
// line most clusters run.
var DefaultVersion = release.V(2, 5, 27)

// Defaults of Options.
const (
	DefaultRootPassword = "Milvus"
	DefaultMaxUsers     = 100 // proxy.maxUserNum, counting root
	DefaultMaxRoles     = 10  // proxy.maxRoleNum, counting admin and public
)

// Options configure a Server. The zero value emulates Milvus 2.5.27 with authorization
// enabled, root/Milvus, the default limits and public's automatic grants.
type Options struct {
	// Version is the Milvus release to emulate; DefaultVersion when zero. Every behaviour that
	// differs between releases (routes, error codes and messages, description fields, built-in
	// groups, validation) follows release.For(Version), the project's one table of them.
	Version release.Version
	// Databases seeds databases besides "default" (which always exists; an entry named
	// "default" seeds its collections), with their collections and aliases. New panics on an
	// alias of a collection that is not there.
	Databases map[string]Database
	// AuthorizationDisabled emulates common.security.authorizationEnabled=false: no credential
	// is checked, no privilege either, and grant/revoke_privilege(_v2) fail with 1100 because
	// the server has no current user to record as grantor.
	AuthorizationDisabled bool
	// RootPassword is root's password; DefaultRootPassword when empty.
	RootPassword string
	// MaxUsers is proxy.maxUserNum (root counts); DefaultMaxUsers when zero.
	MaxUsers int
	// MaxRoles is proxy.maxRoleNum (admin, public and BuiltinRoles count); DefaultMaxRoles when
	// zero.
	MaxRoles int
	// NoPublicPrivileges turns off common.security.enablePublicPrivilege: public then starts
	// without its three automatic grants (DescribeCollection, ListAliases, IndexDetail).
	NoPublicPrivileges bool
	// BuiltinRoles are config built-in roles (builtinRoles.roles, e.g. Zilliz's db_admin,
	// db_ro, db_rw): they exist from the start and cannot be dropped (1401).
	BuiltinRoles []string
	// SuperUsers is common.security.superUsers: these callers may change any password without
	// the old one. root is not a superuser unless listed.
	SuperUsers []string
	// Seed seeds the order of custom-group members, which a server returns in Go map order.
	Seed int64
	// Latency is slept before every request is handled (tests and benchmarks of concurrency).
	// A request whose Request-Timeout (default 30 s) runs out first gets 408.
	Latency time.Duration
	// Faults injects failures on purpose (faults.go); the zero value injects none. New panics
	// on faults that Faults.Check refuses.
	Faults Faults
}

// Server emulates the RBAC endpoints of the Milvus REST API v2. It implements http.Handler and
// is safe for concurrent use. Create it with New.
type Server struct {
	opts Options
	prof release.Profile // release.For(opts.Version)

	mu  sync.Mutex // guards st and rng
	st  *state
	rng *rand.Rand

	statsMu  sync.Mutex // guards calls, inFlight, peak
	calls    map[string]int
	inFlight int
	peak     int

	faultMu sync.Mutex // guards faults
	faults  *faultState
}

// New returns a Server in the state a fresh Milvus has: user root, roles admin and public (with
// public's automatic grants unless NoPublicPrivileges) and the config built-in roles.
func New(opts Options) *Server {
	if opts.RootPassword == "" {
		opts.RootPassword = DefaultRootPassword
	}
	if opts.MaxUsers <= 0 {
		opts.MaxUsers = DefaultMaxUsers
	}
	if opts.MaxRoles <= 0 {
		opts.MaxRoles = DefaultMaxRoles
	}
	if opts.Version.IsZero() {
		opts.Version = DefaultVersion
	}
	opts.BuiltinRoles = append([]string(nil), opts.BuiltinRoles...)
	opts.SuperUsers = append([]string(nil), opts.SuperUsers...)
	s := &Server{
		opts:  opts,
		prof:  release.For(opts.Version),
		rng:   rand.New(rand.NewPCG(uint64(opts.Seed), uint64(opts.Seed)^0x9e3779b97f4a7c15)),
		calls: map[string]int{},
	}
	s.st = newState(opts)
	s.SetFaults(opts.Faults)
	return s
}

// basePath is where every endpoint lives.
const basePath = "/v2/vectordb/"

// maxBody bounds a request body; RBAC requests are tiny.
const maxBody = 4 << 20

// ServeHTTP answers POST /v2/vectordb/<endpoint>. Unknown routes and other methods get gin's
// plain-text "404 page not found".
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.begin(r)
	defer s.end()

	// Reading the body first also lets net/http notice a client that goes away during the
	// latency sleep (it watches the connection only once the body is consumed).
	body, readErr := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if s.opts.Latency > 0 && !s.sleep(w, r) {
		return
	}
	endpoint, ok := strings.CutPrefix(r.URL.Path, basePath)
	h := s.route(endpoint)
	if !ok || r.Method != http.MethodPost || h == nil {
		notFound(w)
		return
	}
	kind := s.fault(endpoint, body)
	if injectBefore(w, kind) {
		return
	}
	if kind == FaultDropAfter {
		s.handle(&discard{}, r, h, body, readErr)
		hangUp(w)
		return
	}
	s.handle(w, r, h, body, readErr)
}

// handle authenticates the caller, runs h and writes its answer.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, h handler, body []byte, readErr error) {
	c, err := s.authenticate(w, r)
	if err != nil {
		writeError(w, err)
		return
	}
	if readErr != nil {
		writeError(w, fail(codeIncorrectParameter, "can only accept json format request, error: %s", readErr))
		return
	}
	s.mu.Lock()
	data, err := h(s, c, body)
	s.mu.Unlock()
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, data)
}

// sleep waits Latency, or until the request's context ends (false: nothing more to write), or
// until its Request-Timeout runs out (false: 408 written).
func (s *Server) sleep(w http.ResponseWriter, r *http.Request) bool {
	timeout := 30 * time.Second // proxy.http.requestTimeoutMs
	if v := r.Header.Get("Request-Timeout"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			timeout = time.Duration(n) * time.Second
		}
	}
	t := time.NewTimer(s.opts.Latency)
	defer t.Stop()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	select {
	case <-t.C:
		return true
	case <-deadline.C:
		writeJSON(w, http.StatusRequestTimeout, map[string]any{"code": 10001, "message": "request timeout"})
		return false
	case <-r.Context().Done():
		return false
	}
}

func (s *Server) begin(r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, basePath)
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.calls[name]++
	s.inFlight++
	if s.inFlight > s.peak {
		s.peak = s.inFlight
	}
}

func (s *Server) end() {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.inFlight--
}

// Calls returns how many requests each endpoint received since New or ResetCalls, keyed by the
// path under /v2/vectordb/ ("users/list"). Requests answered 404 are counted too, under the
// path they asked for, so that feature probes show up.
func (s *Server) Calls() map[string]int {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// TotalCalls returns the sum of Calls.
func (s *Server) TotalCalls() int {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	n := 0
	for _, v := range s.calls {
		n += v
	}
	return n
}

// ResetCalls clears the call counts and the peak of requests in flight.
func (s *Server) ResetCalls() {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.calls = map[string]int{}
	s.peak = s.inFlight
}

// PeakInFlight returns the largest number of requests handled at once since New or ResetCalls.
func (s *Server) PeakInFlight() int {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	return s.peak
}

// handler serves one endpoint for an authenticated caller, with s.mu held; it binds body itself.
// A nil error with nil data is the mutation success {"code":0,"data":{}}.
type handler func(s *Server, c *caller, body []byte) (any, *apiError)

// route returns the handler of endpoint in the emulated release, nil when that release has no
// such route.
func (s *Server) route(endpoint string) handler {
	h, ok := routes[endpoint]
	if !ok {
		return nil
	}
	switch endpoint {
	case "roles/alter":
		if !s.prof.Has(release.Descriptions) {
			return nil
		}
	case "roles/grant_privilege_v2", "roles/revoke_privilege_v2":
		if !s.prof.Has(release.GrantV2) {
			return nil
		}
	case "privilege_groups/create", "privilege_groups/drop", "privilege_groups/list",
		"privilege_groups/add_privileges_to_group", "privilege_groups/remove_privileges_from_group":
		if !s.prof.Has(release.PrivilegeGroups) {
			return nil
		}
	}
	return h
}

// routes is the RBAC route table of RegisterRoutesToV2 (handler_v2.go).
var routes = map[string]handler{
	"users/list":            (*Server).listUsers,
	"users/describe":        (*Server).describeUser,
	"users/create":          (*Server).createUser,
	"users/update_password": (*Server).updatePassword,
	"users/drop":            (*Server).dropUser,
	"users/grant_role":      (*Server).grantRole,
	"users/revoke_role":     (*Server).revokeRole,

	"roles/list":                (*Server).listRoles,
	"roles/describe":            (*Server).describeRole,
	"roles/create":              (*Server).createRole,
	"roles/alter":               (*Server).alterRole,
	"roles/drop":                (*Server).dropRole,
	"roles/grant_privilege":     (*Server).grantPrivilegeV1,
	"roles/revoke_privilege":    (*Server).revokePrivilegeV1,
	"roles/grant_privilege_v2":  (*Server).grantPrivilegeV2,
	"roles/revoke_privilege_v2": (*Server).revokePrivilegeV2,

	// Not RBAC routes, but what a client reads to check names against (databases.go).
	"databases/list":   (*Server).listDatabases,
	"collections/list": (*Server).listCollections,
	"aliases/list":     (*Server).listAliases,
	"aliases/describe": (*Server).describeAlias,

	"privilege_groups/create":                       (*Server).createGroup,
	"privilege_groups/drop":                         (*Server).dropGroup,
	"privilege_groups/list":                         (*Server).listGroups,
	"privilege_groups/add_privileges_to_group":      (*Server).addToGroup,
	"privilege_groups/remove_privileges_from_group": (*Server).removeFromGroup,
}

// builtinGroupsExist reports whether the emulated release has the nine built-in v2 groups: they
// came with grant_privilege_v2 (release.GrantV2).
func (s *Server) builtinGroupsExist() bool {
	return s.prof.Has(release.GrantV2)
}

// era is the style of the emulated release's errors.
func (s *Server) era() release.Era { return s.prof.Era() }

// Version is the release the server emulates.
func (s *Server) Version() release.Version { return s.opts.Version }

// isSuperUser reports whether user is listed in common.security.superUsers.
func (s *Server) isSuperUser(user string) bool {
	if user == "" {
		return false
	}
	for _, u := range s.opts.SuperUsers {
		if u == user {
			return true
		}
	}
	return false
}

// isBuiltinRole reports whether role is one of the config built-in roles.
func (s *Server) isBuiltinRole(role string) bool {
	for _, r := range s.opts.BuiltinRoles {
		if r == role {
			return true
		}
	}
	return false
}
