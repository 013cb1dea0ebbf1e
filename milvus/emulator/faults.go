package emulator

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"net/http"
	"slices"
	"strings"
)

// Kinds of injected fault.
const (
	// Fault503 answers HTTP 503 from a proxy (plain text) without acting.
	Fault503 = "503"
	// Fault429 answers HTTP 429 from a proxy (plain text) without acting.
	Fault429 = "429"
	// Fault408 answers the REST layer's timeout, HTTP 408 {"code":10001,...}, without acting.
	Fault408 = "408"
	// FaultDrop closes the connection without an answer, without acting.
	FaultDrop = "drop"
	// FaultDropAfter carries the request out, then closes the connection without an answer:
	// the client cannot tell whether the server acted.
	FaultDropAfter = "drop-after"
	// FaultNthMutation counts the failures of Faults.FailNthMutation (each a 503, no action).
	FaultNthMutation = "nth-mutation"
)

// FaultKinds lists the kinds Faults.Rate draws from, in the order of the draw.
var FaultKinds = []string{Fault503, Fault429, Fault408, FaultDrop, FaultDropAfter}

// Faults make the server fail on purpose, for tests of what a client does under faults. Every
// decision is a function of Seed and the request (endpoint, body, and how many times this
// same request came before), not of arrival order or time, so that a run with the same seed
// and the same requests meets the same faults however its calls interleave: a failing test
// replays. The zero value injects nothing.
type Faults struct {
	// Seed seeds every decision.
	Seed int64
	// Rate is the fraction of calls, reads and mutations alike, that fail; 0 for none, 1 for
	// all. A retry of a call draws again (its count differs), so a client that retries gets
	// through.
	Rate float64
	// Kinds are the faults Rate draws from, evenly; every kind of FaultKinds when empty.
	Kinds []string
	// FirstOnly limits Rate to the first time each request (endpoint and body) arrives: its
	// repeats, the client's retries, always get through. With Rate 1 and Kinds
	// [FaultDropAfter], every call acts once and loses its answer: each create is ambiguous.
	FirstOnly bool
	// FailNthMutation makes the N-th call to a mutation endpoint (1 for the first; counted in
	// arrival order) fail with 503 without acting, and every later call with the same
	// endpoint and body too (the client's retries of it), until SetFaults. 0 for none.
	FailNthMutation int
}

// Check reports an unknown kind or an out-of-range rate or count.
func (f Faults) Check() error {
	if f.Rate < 0 || f.Rate > 1 || f.Rate != f.Rate {
		return fmt.Errorf("fault rate %g is not within [0, 1]", f.Rate)
	}
	if f.FailNthMutation < 0 {
		return fmt.Errorf("fail-nth-mutation %d is negative", f.FailNthMutation)
	}
	for _, k := range f.Kinds {
		if !slices.Contains(FaultKinds, k) {
			return fmt.Errorf("unknown fault kind %q (known: %s)", k, strings.Join(FaultKinds, ", "))
		}
	}
	return nil
}

// ParseFaultKinds splits a comma-separated list of fault kinds and checks each.
func ParseFaultKinds(s string) ([]string, error) {
	var out []string
	for _, k := range strings.Split(s, ",") {
		if k = strings.TrimSpace(k); k == "" {
			continue
		}
		if !slices.Contains(FaultKinds, k) {
			return nil, fmt.Errorf("unknown fault kind %q (known: %s)", k, strings.Join(FaultKinds, ", "))
		}
		out = append(out, k)
	}
	return out, nil
}

// faultState is what the fault decisions remember; guarded by Server.faultMu.
type faultState struct {
	cfg       Faults
	seen      map[string]uint64 // request key -> times seen
	mutations int               // mutation calls so far
	sticky    map[string]bool   // request keys failing for FailNthMutation
	injected  map[string]int    // kind -> count
}

func newFaultState(f Faults) *faultState {
	f.Kinds = slices.Clone(f.Kinds)
	if len(f.Kinds) == 0 {
		f.Kinds = slices.Clone(FaultKinds)
	}
	return &faultState{cfg: f, seen: map[string]uint64{}, sticky: map[string]bool{}, injected: map[string]int{}}
}

// SetFaults replaces the server's faults and forgets what the old ones counted; SetFaults with
// the zero Faults stops injecting. It panics on faults Check refuses.
func (s *Server) SetFaults(f Faults) {
	if err := f.Check(); err != nil {
		panic("emulator: " + err.Error())
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = newFaultState(f)
}

// Faults returns how many faults of each kind were injected since New or SetFaults.
func (s *Server) Faults() map[string]int {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	out := make(map[string]int, len(s.faults.injected))
	for k, v := range s.faults.injected {
		out[k] = v
	}
	return out
}

// readEndpoints are the endpoints that change nothing.
var readEndpoints = map[string]bool{
	"users/list": true, "users/describe": true, "roles/list": true, "roles/describe": true,
	"privilege_groups/list": true, "databases/list": true, "collections/list": true,
	"aliases/list": true, "aliases/describe": true,
}

// fault decides the fault of one call, "" for none.
func (s *Server) fault(endpoint string, body []byte) string {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	fs := s.faults
	key := endpoint + "\x00" + string(body)
	if fs.cfg.FailNthMutation > 0 && !readEndpoints[endpoint] {
		fs.mutations++
		if fs.mutations == fs.cfg.FailNthMutation {
			fs.sticky[key] = true
		}
		if fs.sticky[key] {
			fs.injected[FaultNthMutation]++
			return FaultNthMutation
		}
	}
	if fs.cfg.Rate <= 0 {
		return ""
	}
	fs.seen[key]++
	if fs.cfg.FirstOnly && fs.seen[key] > 1 {
		return ""
	}
	h := mix(fs.cfg.Seed, key, fs.seen[key])
	if float64(h>>11)/(1<<53) >= fs.cfg.Rate {
		return ""
	}
	kind := fs.cfg.Kinds[mix(int64(h), key, 0)%uint64(len(fs.cfg.Kinds))]
	fs.injected[kind]++
	return kind
}

// mix hashes seed, key and n into 64 well-mixed bits (FNV-1a, then the splitmix64 finaliser).
func mix(seed int64, key string, n uint64) uint64 {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(seed))
	h.Write(b[:])
	h.Write([]byte(key))
	binary.LittleEndian.PutUint64(b[:], n)
	h.Write(b[:])
	x := h.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// injectBefore answers a fault that strikes before the server acts; false when kind is none
// of those (no fault, or FaultDropAfter).
func injectBefore(w http.ResponseWriter, kind string) bool {
	switch kind {
	case Fault503, FaultNthMutation:
		http.Error(w, "503 Service Unavailable", http.StatusServiceUnavailable)
	case Fault429:
		http.Error(w, "429 Too Many Requests", http.StatusTooManyRequests)
	case Fault408:
		writeJSON(w, http.StatusRequestTimeout, map[string]any{"code": 10001, "message": "request timeout"})
	case FaultDrop:
		hangUp(w)
	default:
		return false
	}
	return true
}

// hangUp closes the connection of w without writing anything.
func hangUp(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not hijackable (HTTP/2): abort the stream, which the client also sees as no answer.
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

// discard is a ResponseWriter that drops the answer, for FaultDropAfter.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header {
	if d.h == nil {
		d.h = http.Header{}
	}
	return d.h
}
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}
