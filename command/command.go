package command

import (
	"fmt"
	"io"
	"time"

	"github.com/hashicorp/go-multierror"

	"github.com/milvus-rbac/milvus-rbac/milvus"
	"github.com/milvus-rbac/milvus-rbac/plan"
	"github.com/milvus-rbac/milvus-rbac/problem"
	"github.com/milvus-rbac/milvus-rbac/release"
)

// Streams are where a command reads and writes. Results go to Out, progress and errors to Err.
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// InTTY and OutTTY say whether In and Out are terminals.
	InTTY, OutTTY bool
	// NoColor turns colour off even on a terminal (--no-color, or NO_COLOR set).
	NoColor bool
}

func (s Streams) color() bool { return s.OutTTY && !s.NoColor }

// logf writes a progress or status line to Err.
func (s Streams) logf(format string, args ...any) { fmt.Fprintf(s.Err, format, args...) }

// Connection says how to reach the cluster.
type Connection struct {
	URI         string
	Token       string
	CACert      string
	Concurrency int
	// Timeout bounds each attempt of each call.
	Timeout time.Duration
	// Retries is how many times a call that failed transiently is tried again; 0 for never.
	Retries int
	// Deadline bounds the whole run (every call, retry and wait), from the client's creation;
	// 0 for none.
	Deadline time.Duration
	// Rate caps calls per second, retries included; 0 for no cap.
	Rate float64
	// InsecureHTTP allows the token over plain http to a host other than loopback.
	InsecureHTTP bool
	// Log, when set, receives one line per call attempt (endpoint, status, code, duration,
	// attempt; never a body or a secret), e.g. for -v.
	Log func(format string, args ...any)
	// MilvusVersion is the cluster's release as the user gave it ("" to infer it).
	MilvusVersion string
	// Warn, when set, receives the client's one-line warnings (each once).
	Warn func(msg string)
}

// check refuses connection settings that cannot work, naming the flag: they would otherwise
// be accepted silently (a negative --retries meant none, --concurrency 0 a default).
func (c Connection) check() error {
	var errs *multierror.Error
	if c.Concurrency < 1 {
		errs = problem.Append(errs, fmt.Errorf("--concurrency %d: give 1 or more calls at once", c.Concurrency))
	}
	if c.Retries < 0 {
		errs = problem.Append(errs, fmt.Errorf("--retries %d: give 0 (never retry) or more", c.Retries))
	}
	if c.Timeout <= 0 {
		errs = problem.Append(errs, fmt.Errorf("--timeout %s: give a duration above 0, such as 30s", c.Timeout))
	}
	if c.Deadline < 0 {
		errs = problem.Append(errs, fmt.Errorf("--deadline %s: give 0 (no deadline) or a duration, such as 10m", c.Deadline))
	}
	if c.Rate < 0 {
		errs = problem.Append(errs, fmt.Errorf("--rate %g: give 0 (no limit) or a number of calls per second", c.Rate))
	}
	return errs.ErrorOrNil()
}

// client checks the settings and builds the REST client.
func (c Connection) client() (*milvus.Client, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	retries := c.Retries
	if retries == 0 {
		retries = milvus.NoRetries
	}
	version, err := parseMilvusVersion(c.MilvusVersion)
	if err != nil {
		return nil, err
	}
	return milvus.New(milvus.Config{
		URI:          c.URI,
		Token:        c.Token,
		CACertFile:   c.CACert,
		Concurrency:  c.Concurrency,
		Timeout:      c.Timeout,
		UserAgent:    "milvus-rbac/" + Version,
		Retries:      retries,
		Deadline:     c.Deadline,
		Rate:         c.Rate,
		InsecureHTTP: c.InsecureHTTP,
		Log:          c.Log,
		Version:      version,
		Warn:         c.Warn,
	})
}

// Version is the tool's version, set at build time with -ldflags "-X ...command.Version=...".
var Version = "dev"

func (ses *session) textOptions(s Streams) plan.TextOptions {
	o := plan.TextOptions{SpecName: ses.spec.Path, Color: s.color()}
	if ses.verbose {
		o.Source = ses.source // -v: each object's line names its file
	}
	return o
}

// source is where the spec defines an object: "team-a.yaml:12".
func (ses *session) source(kind, name string) string {
	return ses.spec.SourceOf(kind, name).String()
}

// parseMilvusVersion reads --milvus-version: "" is the zero version (infer it).
func parseMilvusVersion(s string) (release.Version, error) {
	if s == "" {
		return release.Version{}, nil
	}
	v, err := release.Parse(s)
	if err != nil {
		return v, fmt.Errorf("--milvus-version: %w", err)
	}
	if err := release.Supported(v); err != nil {
		return v, fmt.Errorf("--milvus-version: %w", err)
	}
	return v, nil
}
