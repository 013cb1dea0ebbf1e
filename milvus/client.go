package milvus

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/milvus-rbac/milvus-rbac/release"
)

// Defaults of Config.
const (
	DefaultURI         = "http://localhost:19530"
	DefaultTimeout     = 30 * time.Second
	DefaultConcurrency = 16
	DefaultUserAgent   = "milvus-rbac"
	// DefaultRetries is how many times a call that failed transiently is tried again.
	DefaultRetries = 3
	// NoRetries as Config.Retries makes every call once.
	NoRetries = -1
)

// BasePath is the path of the REST API v2 under the URI.
const BasePath = "/v2/vectordb"

// maxResponse bounds the size of a response body the client reads.
const maxResponse = 64 << 20

// Config says how to reach a Milvus server.
type Config struct {
	// URI is http://host[:port][/path] or https://...; DefaultURI when empty. A trailing
	// /v2/vectordb is accepted and dropped. It must not carry credentials.
	URI string
	// Token is "user:password" or an API key, sent as "Authorization: Bearer <token>". Empty
	// sends no Authorization header (a server with authorization disabled).
	Token string
	// CACertFile is a PEM file of certificates trusted for https besides the system roots.
	// It is ignored for http URIs and when HTTPClient is set.
	CACertFile string
	// Timeout bounds each call; DefaultTimeout when zero. It is also sent to the server as the
	// Request-Timeout header, in whole seconds rounded up.
	Timeout time.Duration
	// Concurrency bounds the calls the client has in flight at once, across Read and the
	// mutations; DefaultConcurrency when zero.
	Concurrency int
	// HTTPClient replaces the client New builds (tests). It is used as is.
	HTTPClient *http.Client
	// UserAgent is sent as User-Agent; DefaultUserAgent when empty.
	UserAgent string
	// Retries is how many times a call that failed transiently (no connection, a dropped
	// connection, no answer within Timeout, HTTP 408, 429 or 5xx, code 10001) is tried again,
	// with exponential backoff and jitter; DefaultRetries when zero, none when negative
	// (NoRetries). Other failures (401, 403, 404, an error code in the answer) are never
	// retried. See retry.go for the policy.
	Retries int
	// Deadline bounds the whole life of the client, counted from New: every call, retry,
	// backoff and wait for Rate must end by then. Zero means no deadline; Timeout still
	// bounds each attempt.
	Deadline time.Duration
	// Rate caps the calls started per second, retries included, across the client; zero
	// means no cap. Calls are spaced evenly, 1/Rate apart (a token bucket of one token).
	Rate float64
	// InsecureHTTP allows sending Token over plain http to a host other than loopback, where
	// anyone on the path can read it. New refuses that combination without it.
	InsecureHTTP bool
	// Log, when set, is called once per attempt of every call, with the endpoint, the attempt
	// number, the HTTP status, the code, the duration and what happens next; never with a
	// request or response body, a password or the token. It may be called concurrently.
	Log func(format string, args ...any)
	// Version is the server's Milvus release, when the user knows it (--milvus-version). Zero
	// makes Read infer what it can from the answers (see Server).
	Version release.Version
	// Warn, when set, receives one line for each kind of thing the client chose to live with
	// (an answer entry it left out, a read it could not make); each line is given once.
	Warn func(msg string)
}

// String describes c with the token masked, so that printing a Config cannot leak it.
func (c Config) String() string {
	tok := ""
	if c.Token != "" {
		tok = "***"
	}
	return fmt.Sprintf("milvus.Config{URI:%q Token:%q CACertFile:%q Timeout:%s Concurrency:%d UserAgent:%q Retries:%d Deadline:%s Rate:%g InsecureHTTP:%t}",
		c.URI, tok, c.CACertFile, c.Timeout, c.Concurrency, c.UserAgent, c.Retries, c.Deadline, c.Rate, c.InsecureHTTP)
}

// GoString is String, for %#v.
func (c Config) GoString() string { return c.String() }

// Client calls the REST API v2 of one Milvus server. It is safe for concurrent use.
type Client struct {
	uri           string // as shown to people: scheme://host[:port][/path]
	base          string // uri + BasePath
	host          string
	token         string
	user          string
	secrets       []string // token forms to scrub from server text
	userAgent     string
	timeout       time.Duration
	timeoutHeader string
	hc            *http.Client
	sem           chan struct{}
	retries       int           // retries after the first attempt
	backoff       time.Duration // the first backoff; doubled each retry up to maxBackoff
	deadline      time.Time     // zero: none
	deadlineFor   time.Duration // Config.Deadline, for messages
	limit         *limiter      // nil: no rate limit
	logf          func(format string, args ...any)

	noGrantV2 atomic.Bool // grant_privilege_v2 or revoke_privilege_v2 answered 404
	noGroups  atomic.Bool // privilege_groups/* answered 404
	// sawDescription: a describe answered a "description" key (Milvus 2.6.19 and later).
	sawDescription atomic.Bool
	// version is the server's release as Config.Version gave it; zero: learn it from answers.
	version release.Version
	// warn receives the one-line warnings of Config.Warn; warned holds those already given.
	warn   func(msg string)
	warned sync.Map

	mu     sync.Mutex
	groups map[string]bool // custom privilege groups seen by Read or created
}

// New checks cfg and returns a Client. It makes no call.
func New(cfg Config) (*Client, error) {
	uri, u, err := parseURI(cfg.URI)
	if err != nil {
		return nil, err
	}
	if strings.ContainsFunc(cfg.Token, unicode.IsControl) {
		return nil, errors.New("token contains a control character (a trailing newline?): set MILVUS_TOKEN to user:password or an API key")
	}
	timeout := cfg.Timeout
	switch {
	case timeout < 0:
		return nil, fmt.Errorf("timeout %s is negative", timeout)
	case timeout == 0:
		timeout = DefaultTimeout
	}
	conc := cfg.Concurrency
	switch {
	case conc < 0:
		return nil, fmt.Errorf("concurrency %d is negative", conc)
	case conc == 0:
		conc = DefaultConcurrency
	}
	retries := cfg.Retries
	switch {
	case retries < 0:
		retries = 0
	case retries == 0:
		retries = DefaultRetries
	}
	if cfg.Deadline < 0 {
		return nil, fmt.Errorf("deadline %s is negative", cfg.Deadline)
	}
	if cfg.Rate < 0 || math.IsNaN(cfg.Rate) || math.IsInf(cfg.Rate, 0) {
		return nil, fmt.Errorf("rate %g is not a number of calls per second >= 0", cfg.Rate)
	}
	if u.Scheme == "http" && cfg.Token != "" && !cfg.InsecureHTTP && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("refusing to send the token in clear text over http:// to %s: use https:// in the uri, or pass --insecure-http if the network is trusted", u.Host)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		ca := ""
		if u.Scheme == "https" {
			ca = cfg.CACertFile
		}
		if hc, err = newHTTPClient(ca, conc); err != nil {
			return nil, err
		}
	}
	ua := cfg.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	c := &Client{
		uri:           uri,
		base:          uri + BasePath,
		host:          u.Host,
		token:         cfg.Token,
		userAgent:     ua,
		timeout:       timeout,
		timeoutHeader: strconv.FormatInt(int64(math.Ceil(timeout.Seconds())), 10),
		hc:            hc,
		sem:           make(chan struct{}, conc),
		retries:       retries,
		backoff:       initialBackoff,
		limit:         newLimiter(cfg.Rate),
		logf:          cfg.Log,
		groups:        map[string]bool{},
		version:       cfg.Version,
		warn:          cfg.Warn,
	}
	if cfg.Deadline > 0 {
		c.deadline, c.deadlineFor = time.Now().Add(cfg.Deadline), cfg.Deadline
	}
	if cfg.Token != "" {
		c.secrets = append(c.secrets, cfg.Token)
		if user, pass, ok := strings.Cut(cfg.Token, ":"); ok {
			c.user = user
			c.secrets = append(c.secrets, pass)
		}
	}
	return c, nil
}

// parseURI checks a URI and returns its display form (no trailing slash, no BasePath). Its
// errors never quote the URI whole: it may hold a password.
func parseURI(raw string) (string, *url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		raw = DefaultURI
	}
	const want = "want http://host:port or https://host:port"
	if !strings.Contains(raw, "://") {
		return "", nil, errors.New("uri has no scheme: " + want)
	}
	u, err := url.Parse(raw)
	if err != nil {
		msg := "uri is not a valid URL: " + want
		if strings.Contains(raw, "@") {
			msg += "; put credentials in MILVUS_TOKEN, not in the URI"
		}
		return "", nil, errors.New(msg)
	}
	if u.User != nil {
		return "", nil, errors.New("uri must not contain credentials: put user:password or an API key in MILVUS_TOKEN")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", nil, fmt.Errorf("uri scheme %q is not supported: %s", u.Scheme, want)
	}
	if u.Hostname() == "" {
		return "", nil, errors.New("uri has no host: " + want)
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", nil, errors.New("uri must not have a query or a fragment: " + want)
	}
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimRight(strings.TrimSuffix(p, BasePath), "/")
	u.Path, u.RawPath = p, ""
	return u.String(), u, nil
}

// isLoopback reports whether host (no port, no brackets) is "localhost" or a loopback IP: the
// only hosts a token may travel to over plain http without Config.InsecureHTTP.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// newHTTPClient builds the transport: HTTP/1.1 only (REST shares its port with gRPC behind a
// protocol multiplexer, and HTTP/1.1 is what every Milvus serves REST on), no redirects (a POST must not silently
// become a GET, nor the token follow it elsewhere), and caFile added to the system roots.
func newHTTPClient(caFile string, conc int) (*http.Client, error) {
	var protos http.Protocols
	protos.SetHTTP1(true)
	t := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   30 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   conc,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		Protocols:             &protos,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("read ca cert: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ca cert %s: no PEM certificate in it", caFile)
		}
		t.TLSClientConfig.RootCAs = pool
	}
	return &http.Client{
		Transport: t,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}, nil
}

// URI is the server's URI without credentials and without BasePath, as people should see it.
func (c *Client) URI() string { return c.uri }

// User is the user name of a "user:password" token; "" for an API key or no token.
func (c *Client) User() string { return c.user }

// String names the client by its URI, so that printing a Client cannot leak the token.
func (c *Client) String() string { return "milvus.Client(" + c.uri + ")" }

// GoString is String, for %#v.
func (c *Client) GoString() string { return c.String() }

// envelope is the body of every answer: {"code":0,"data":...} or {"code":N,"message":"..."}.
type envelope struct {
	Code    *int            `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
	// Description is sent beside data by users/describe and roles/describe from Milvus
	// 2.6.19 on; its presence tells the release apart.
	Description *string `json:"description"`
}

// call POSTs req to endpoint within a slot and returns the "data" of a successful answer
// (nil when the answer has none), retrying transient failures (retry.go). secrets are values
// of req to scrub from any server text kept in an error, beside the token. Nothing of req
// reaches an error.
func (c *Client) call(ctx context.Context, endpoint string, req any, secrets ...string) (json.RawMessage, error) {
	return c.callSettled(ctx, endpoint, req, nil, secrets...)
}

// callSettled is call for a mutation that is not idempotent on the server: settle decides an
// error answered after an ambiguous attempt (see send).
func (c *Client) callSettled(ctx context.Context, endpoint string, req any, settle settler, secrets ...string) (json.RawMessage, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("%s: encode request: %w", endpoint, err)
	}
	release, err := c.acquire(ctx, endpoint)
	if err != nil {
		return nil, err
	}
	defer release()
	return c.send(ctx, endpoint, body, secrets, settle)
}

// acquire takes one of the client's Concurrency slots, for one call or a few in a row.
func (c *Client) acquire(ctx context.Context, endpoint string) (release func(), err error) {
	ctx, cancel := c.runContext(ctx)
	defer cancel()
	select {
	case c.sem <- struct{}{}:
		return func() { <-c.sem }, nil
	case <-ctx.Done():
		return nil, c.transportError(endpoint, context.Cause(ctx))
	}
}

// attempt is the outcome of one HTTP exchange.
type attempt struct {
	data       json.RawMessage
	err        error
	status     int           // the HTTP status; 0 when no answer came
	code       int           // the envelope's code, 0 when none
	retryAfter time.Duration // the answer's Retry-After, 0 when none
}

// roundTrip makes one attempt of a call within the per-call timeout; the caller holds a slot.
// ctx carries the run's deadline, if any.
func (c *Client) roundTrip(ctx context.Context, endpoint string, body []byte, secrets []string) attempt {
	callCtx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(callCtx, http.MethodPost, c.base+"/"+endpoint, bytes.NewReader(body))
	if err != nil {
		return attempt{err: c.transportError(endpoint, err)}
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "application/json")
	hreq.Header.Set("Request-Timeout", c.timeoutHeader)
	hreq.Header.Set("User-Agent", c.userAgent)
	if tok := c.tokenFor(ctx); tok != "" {
		hreq.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := c.hc.Do(hreq)
	if err != nil {
		return attempt{err: c.transportError(endpoint, c.why(ctx, callCtx, err))}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return attempt{status: resp.StatusCode, err: c.transportError(endpoint, fmt.Errorf("read response: %w", c.why(ctx, callCtx, err)))}
	}
	a := attempt{status: resp.StatusCode, retryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	if len(raw) > maxResponse {
		a.err = fmt.Errorf("%s: %w: larger than %d MiB", endpoint, ErrMalformedResponse, maxResponse>>20)
		return a
	}
	a.data, a.err = c.decode(endpoint, resp, raw, secrets)
	var ae *APIError
	if errors.As(a.err, &ae) {
		a.code = ae.Code
	}
	return a
}

// why replaces the context error of a failed exchange by its cause: the run's deadline or the
// caller's cancellation (ctx), or the per-call timeout (callCtx).
func (c *Client) why(ctx, callCtx context.Context, err error) error {
	switch {
	case ctx.Err() != nil:
		return context.Cause(ctx)
	case callCtx.Err() != nil:
		return fmt.Errorf("no answer within %s: %w", c.timeout, context.DeadlineExceeded)
	}
	return err
}

func (c *Client) transportError(endpoint string, err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err // its text repeats the URL; the endpoint and host say enough
	}
	return &TransportError{Endpoint: endpoint, Host: c.host, URI: c.uri, Err: err}
}

func (c *Client) decode(endpoint string, resp *http.Response, raw []byte, secrets []string) (json.RawMessage, error) {
	var env envelope
	jsonErr := json.Unmarshal(raw, &env)
	if resp.StatusCode != http.StatusOK {
		e := &APIError{Endpoint: endpoint, HTTPStatus: resp.StatusCode}
		switch {
		case jsonErr == nil && env.Code != nil:
			e.Code, e.Message = *env.Code, env.Message
		case resp.StatusCode >= 300 && resp.StatusCode < 400 && resp.Header.Get("Location") != "":
			e.Message = "redirected to " + resp.Header.Get("Location")
		case len(bytes.TrimSpace(raw)) > 0:
			e.Message = snippet(c.redact(string(raw), secrets))
		default:
			e.Message = http.StatusText(resp.StatusCode)
		}
		e.Message = c.redact(e.Message, secrets)
		return nil, e
	}
	if jsonErr != nil {
		return nil, fmt.Errorf("%s: %w: not Milvus JSON (Content-Type %q): %q", endpoint, ErrMalformedResponse,
			resp.Header.Get("Content-Type"), snippet(c.redact(string(raw), secrets)))
	}
	if env.Code == nil {
		return nil, fmt.Errorf("%s: %w: no \"code\" field", endpoint, ErrMalformedResponse)
	}
	if *env.Code != 0 {
		return nil, &APIError{Endpoint: endpoint, HTTPStatus: resp.StatusCode, Code: *env.Code, Message: c.redact(env.Message, secrets)}
	}
	if endpoint == endpointDescribeUser || endpoint == endpointDescribeRole {
		if env.Description != nil {
			c.sawDescription.Store(true)
		}
		if len(env.Data) > 0 {
			// The description sits beside data: keep both (splitDescribed).
			b, err := json.Marshal(described{Data: env.Data, Description: env.Description})
			if err == nil {
				return b, nil
			}
		}
	}
	return env.Data, nil
}

// decodeData decodes the "data" of a successful answer into v. JSON null leaves v as it is
// (an empty list); a missing "data" or one of another shape is an error naming the endpoint.
func decodeData(endpoint string, data json.RawMessage, v any, shape string) error {
	if len(data) == 0 {
		return fmt.Errorf("%s: %w: no \"data\" field", endpoint, ErrMalformedResponse)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w: \"data\" is not %s: %v", endpoint, ErrMalformedResponse, shape, err)
	}
	return nil
}

// redact replaces the token, its password and extra secrets (raw and JSON-escaped) in s.
func (c *Client) redact(s string, extra []string) string {
	for _, sec := range append(append([]string(nil), c.secrets...), extra...) {
		if sec == "" {
			continue
		}
		s = strings.ReplaceAll(s, sec, "***")
		if b, err := json.Marshal(sec); err == nil {
			if esc := string(b[1 : len(b)-1]); esc != sec {
				s = strings.ReplaceAll(s, esc, "***")
			}
		}
	}
	return s
}

// snippet is the start of a body that is not Milvus JSON, on one line. Redact before
// cutting, so that no part of a secret survives the cut.
func snippet(body string) string {
	s := strings.Join(strings.Fields(body), " ")
	const max = 120
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	if s == "" {
		return "(empty body)"
	}
	return s
}
