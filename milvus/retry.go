package milvus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The retry policy.
//
// A call is tried again when its failure is transient: no connection could be made, the
// connection dropped or was reset, no answer came within Config.Timeout, or the answer was
// HTTP 408, 429 or 5xx, or HTTP 200 with code 10001 (the REST request timeout). Nothing else is
// retried: not 401 or 403 (credentials and privileges do not heal), not 404, not an error code
// in an HTTP 200 answer, not a malformed answer, not a TLS or certificate failure, not an
// unknown host, and not a call whose context is done or whose run is past Config.Deadline.
//
// Attempt n+1 waits a backoff drawn uniformly from [d/2, d], d = initialBackoff·2^(n-1)
// capped at maxBackoff, or the answer's Retry-After when longer (capped at maxRetryAfter). A
// wait that would end past the deadline is not started: the call fails at once with its last
// error. At most Config.Retries retries follow the first attempt; the error of a call tried
// more than once says how many attempts it took (*RetriedError).
//
// Grants, revokes, group changes and user drops are idempotent on the server, so their
// retries need no care. Creates are not: a users/create whose first attempt dropped the
// connection after the server acted answers "already exists" when tried again. An attempt is
// ambiguous when the server may have acted on it (every transient failure but a refused
// connection, a failed dial and 429). After an ambiguous attempt, an "already exists" answer to
// a create (or "not found" to roles/drop, the one drop that is not idempotent) is settled by
// looking: users/list, roles/list or privilege_groups/list must show the object as the call
// wanted it, present or gone; otherwise the answer stands as the call's error.
const (
	initialBackoff = 200 * time.Millisecond
	maxBackoff     = 5 * time.Second
	maxRetryAfter  = 30 * time.Second
)

// ErrDeadline is wrapped by the error of a call cut short by Config.Deadline.
var ErrDeadline = errors.New("deadline of the run passed")

// RetriedError is the last error of a call that was tried more than once.
type RetriedError struct {
	Attempts int
	Err      error
}

// Error reads "users/list: HTTP 503: Service Unavailable (4 attempts)".
func (e *RetriedError) Error() string { return fmt.Sprintf("%v (%d attempts)", e.Err, e.Attempts) }

// Unwrap returns the last attempt's error.
func (e *RetriedError) Unwrap() error { return e.Err }

// settler decides the error answered by a retry of a call whose earlier attempt was
// ambiguous. It looks at the server (through send, within the caller's slot) and reports true
// when the call's effect is there: the error then only says that the earlier attempt acted.
type settler func(ctx context.Context, err error) bool

// runContext bounds ctx by the client's deadline.
func (c *Client) runContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.deadline.IsZero() {
		return ctx, func() {}
	}
	return context.WithDeadlineCause(ctx, c.deadline, fmt.Errorf("%w (%s after the start)", ErrDeadline, c.deadlineFor))
}

// send makes the call of endpoint with body, and tries it again after transient failures as
// the policy above says; the caller holds a slot. settle is nil for calls whose retries are
// plain.
func (c *Client) send(ctx context.Context, endpoint string, body []byte, secrets []string, settle settler) (json.RawMessage, error) {
	ctx, cancel := c.runContext(ctx)
	defer cancel()
	ambiguous := false
	for n := 1; ; n++ {
		if err := c.limit.wait(ctx); err != nil {
			if cause := context.Cause(ctx); cause != nil {
				err = cause
			}
			return nil, c.withAttempts(c.transportError(endpoint, err), n-1)
		}
		start := time.Now()
		a := c.roundTrip(ctx, endpoint, body, secrets)
		took := time.Since(start)
		if a.err == nil {
			c.logAttempt(endpoint, n, a, took, "ok")
			return a.data, nil
		}
		retry, amb := c.transient(ctx, a.err)
		if !retry && ambiguous && settle != nil {
			if settle(ctx, a.err) {
				c.logAttempt(endpoint, n, a, took, "an earlier attempt's outcome was unknown and the server shows it done: ok")
				return nil, nil
			}
		}
		ambiguous = ambiguous || amb
		if !retry {
			c.logAttempt(endpoint, n, a, took, "not retried")
			return nil, c.withAttempts(a.err, n)
		}
		if n > c.retries {
			c.logAttempt(endpoint, n, a, took, "giving up")
			return nil, c.withAttempts(a.err, n)
		}
		wait := c.backoffFor(n, a.retryAfter)
		if dl, ok := ctx.Deadline(); ok && time.Now().Add(wait).After(dl) {
			c.logAttempt(endpoint, n, a, took, "giving up: the deadline comes before the next attempt")
			return nil, c.withAttempts(a.err, n)
		}
		c.logAttempt(endpoint, n, a, took, "retrying in "+wait.Round(time.Millisecond).String())
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, c.withAttempts(a.err, n)
		}
	}
}

func (c *Client) withAttempts(err error, n int) error {
	if n <= 1 {
		return err
	}
	return &RetriedError{Attempts: n, Err: err}
}

// transient reports whether a failed attempt may succeed when made again, and whether the
// server may have acted on it.
func (c *Client) transient(ctx context.Context, err error) (retry, ambiguous bool) {
	if ctx.Err() != nil || errors.Is(err, ErrMalformedResponse) {
		return false, false
	}
	var ae *APIError
	if errors.As(err, &ae) {
		switch {
		case ae.HTTPStatus == http.StatusTooManyRequests:
			return true, false
		case ae.HTTPStatus == http.StatusRequestTimeout, ae.HTTPStatus >= 500 && ae.HTTPStatus <= 599:
			return true, true
		case ae.HTTPStatus == http.StatusOK && ae.Code == codeRequestTimeout:
			return true, true
		}
		return false, false
	}
	var te *TransportError
	if !errors.As(err, &te) {
		return false, false
	}
	p := te.policy()
	return p.retry, p.ambiguous
}

// codeRequestTimeout is the REST layer's "request timeout" (HTTP 408, or in an envelope).
const codeRequestTimeout = 10001

// backoffFor is the wait before attempt n+1.
func (c *Client) backoffFor(n int, retryAfter time.Duration) time.Duration {
	d := c.backoff
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	d = min(d, maxBackoff)
	if d > 1 {
		d = d/2 + rand.N(d/2+1)
	}
	return max(d, min(retryAfter, maxRetryAfter))
}

// retryAfter parses a Retry-After header: seconds or an HTTP date; 0 when absent or invalid.
func retryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s <= 0 {
			return 0
		}
		return time.Duration(min(s, int(maxRetryAfter/time.Second)+1)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

// logAttempt reports one attempt to Config.Log: what was called, the status and code (never a
// body or a message, which may echo one), how long it took and what comes next.
func (c *Client) logAttempt(endpoint string, n int, a attempt, took time.Duration, next string) {
	if c.logf == nil {
		return
	}
	var outcome string
	var te *TransportError
	switch {
	case a.status != 0:
		outcome = fmt.Sprintf("HTTP %d code %d", a.status, a.code)
	case errors.As(a.err, &te):
		outcome = "no answer: " + te.Err.Error()
	default:
		outcome = "failed"
	}
	c.logf("%s attempt %d/%d: %s in %s: %s", endpoint, n, c.retries+1, outcome, took.Round(time.Microsecond), next)
}

// limiter spaces calls at least interval apart: a token bucket holding one token.
type limiter struct {
	interval time.Duration
	mu       sync.Mutex
	next     time.Time // the earliest start of the next call
}

// newLimiter returns a limiter of rate calls per second; nil (no limit) for 0.
func newLimiter(rate float64) *limiter {
	if rate <= 0 {
		return nil
	}
	return &limiter{interval: time.Duration(float64(time.Second) / rate)}
}

// errRateDeadline is the failure of a wait for the rate limit that would end past the deadline.
var errRateDeadline = fmt.Errorf("the rate limit would start the call after its deadline: %w", context.DeadlineExceeded)

// wait blocks until the caller may start a call, and reserves that start. It fails at once,
// reserving nothing, when the start would come after ctx's deadline.
func (l *limiter) wait(ctx context.Context) error {
	if l == nil {
		return ctx.Err()
	}
	l.mu.Lock()
	now := time.Now()
	at := l.next
	if at.Before(now) {
		at = now
	}
	if dl, ok := ctx.Deadline(); ok && at.After(dl) {
		l.mu.Unlock()
		return errRateDeadline
	}
	l.next = at.Add(l.interval)
	l.mu.Unlock()
	d := time.Until(at)
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
