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
)

// Defaults of Config.
const (
	DefaultURI         = "http://localhost:19530"
	DefaultTimeout     = 30 * time.Second
	DefaultConcurrency = 16
	DefaultUserAgent   = "milvus-rbac"
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
}

// String describes c with the token masked, so that printing a Config cannot leak it.
func (c Config) String() string {
	tok := ""
	if c.Token != "" {
		tok = "***"
	}
	return fmt.Sprintf("milvus.Config{URI:%q Token:%q CACertFile:%q Timeout:%s Concurrency:%d UserAgent:%q}",
		c.URI, tok, c.CACertFile, c.Timeout, c.Concurrency, c.UserAgent)
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

	noGrantV2 atomic.Bool // grant_privilege_v2 or revoke_privilege_v2 answered 404
	noGroups  atomic.Bool // privilege_groups/* answered 404

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
		groups:        map[string]bool{},
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
}

// call POSTs req to endpoint within a slot and returns the "data" of a successful answer
// (nil when the answer has none). secrets are values of req to scrub from any server text
// kept in an error, beside the token. Nothing of req reaches an error.
func (c *Client) call(ctx context.Context, endpoint string, req any, secrets ...string) (json.RawMessage, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("%s: encode request: %w", endpoint, err)
	}
	release, err := c.acquire(ctx, endpoint)
	if err != nil {
		return nil, err
	}
	defer release()
	return c.roundTrip(ctx, endpoint, body, secrets)
}

// acquire takes one of the client's Concurrency slots, for one call or a few in a row.
func (c *Client) acquire(ctx context.Context, endpoint string) (release func(), err error) {
	select {
	case c.sem <- struct{}{}:
		return func() { <-c.sem }, nil
	case <-ctx.Done():
		return nil, c.transportError(endpoint, ctx.Err())
	}
}

// roundTrip makes one call; the caller holds a slot.
func (c *Client) roundTrip(ctx context.Context, endpoint string, body []byte, secrets []string) (json.RawMessage, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/"+endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, c.transportError(endpoint, err)
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "application/json")
	hreq.Header.Set("Request-Timeout", c.timeoutHeader)
	hreq.Header.Set("User-Agent", c.userAgent)
	if c.token != "" {
		hreq.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(hreq)
	if err != nil {
		return nil, c.transportError(endpoint, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return nil, c.transportError(endpoint, fmt.Errorf("read response: %w", err))
	}
	if len(raw) > maxResponse {
		return nil, fmt.Errorf("%s: %w: larger than %d MiB", endpoint, ErrMalformedResponse, maxResponse>>20)
	}
	return c.decode(endpoint, resp, raw, secrets)
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
