// Command milvus-emulator serves the RBAC endpoints of the Milvus REST API v2 from memory, for
// demos and tests (package milvus/emulator). It listens on loopback unless told otherwise, and
// stops cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
	"github.com/milvus-rbac/milvus-rbac/release"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

// run parses args, serves until ctx ends, and returns the exit code: 0 after a clean stop, 1 when
// the server cannot start, 2 for bad usage.
func run(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("milvus-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:19530", "`host:port` to listen on (port 0 picks a free one)")
	allowRemote := fs.Bool("allow-remote", false, "allow an --addr that is not a loopback address")
	latency := fs.Duration("latency", 0, "delay applied to every request, e.g. 20ms")
	maxUsers := fs.Int("max-users", emulator.DefaultMaxUsers, "proxy.maxUserNum, root included")
	maxRoles := fs.Int("max-roles", emulator.DefaultMaxRoles, "proxy.maxRoleNum, admin and public included")
	version := fs.String("milvus-version", "", "Milvus `release` to emulate, e.g. 2.4.18, 2.5.27, 2.6.19 (default $MILVUS_VERSION, else "+emulator.DefaultVersion.String()+")")
	era := fs.String("era", "", "deprecated: E1, E2 or E3 stand for --milvus-version "+eraVersions())
	databases := fs.String("databases", "", "databases and their collections besides default, e.g. `'sales:orders,customers;hr:staff'` (default:books seeds default)")
	var aliases aliasFlag
	fs.Var(&aliases, "alias", "an alias `db.alias=collection`, e.g. sales.orders_v=orders (repeatable)")
	builtinRoles := fs.String("builtin-roles", "", "comma-separated config built-in `roles` that cannot be dropped, e.g. db_admin,db_ro,db_rw")
	superUsers := fs.String("super-users", "", "comma-separated common.security.superUsers")
	rootPassword := fs.String("root-password", emulator.DefaultRootPassword, "password of root")
	noAuth := fs.Bool("authorization-disabled", false, "emulate common.security.authorizationEnabled=false")
	seed := fs.Int64("seed", 0, "seed of the random order of privilege-group members")
	faultSeed := fs.Int64("fault-seed", 0, "seed of the injected faults: the same seed and requests meet the same faults")
	faultRate := fs.Float64("fault-rate", 0, "fraction of calls (0 to 1) that fail on purpose, e.g. 0.1")
	faultKinds := fs.String("fault-kinds", "", "comma-separated `kinds` --fault-rate draws from: "+strings.Join(emulator.FaultKinds, ", ")+" (default all)")
	faultFirst := fs.Bool("fault-first-only", false, "only a request's first arrival may fail: its retries get through")
	failNth := fs.Int("fail-nth-mutation", 0, "the `N`-th mutation call, and its retries, fail with 503 without acting")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "milvus-emulator: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	v, err := pickVersion(*version, *era, os.Getenv("MILVUS_VERSION"))
	if err != nil {
		fmt.Fprintf(stderr, "milvus-emulator: %v\n", err)
		return 2
	}
	if *era != "" {
		fmt.Fprintf(stderr, "milvus-emulator: --era is deprecated; use --milvus-version %s\n", v)
	}
	dbs, err := parseDatabases(*databases, aliases)
	if err != nil {
		fmt.Fprintf(stderr, "milvus-emulator: %v\n", err)
		return 2
	}
	kinds, err := emulator.ParseFaultKinds(*faultKinds)
	if err != nil {
		fmt.Fprintf(stderr, "milvus-emulator: --fault-kinds: %v\n", err)
		return 2
	}
	faults := emulator.Faults{Seed: *faultSeed, Rate: *faultRate, Kinds: kinds, FirstOnly: *faultFirst, FailNthMutation: *failNth}
	if err := faults.Check(); err != nil {
		fmt.Fprintf(stderr, "milvus-emulator: %v\n", err)
		return 2
	}
	if err := checkLoopback(*addr); err != nil && !*allowRemote {
		fmt.Fprintf(stderr, "milvus-emulator: %v; pass --allow-remote to listen there anyway\n", err)
		return 2
	}

	emu := emulator.New(emulator.Options{
		Version:               v,
		Databases:             dbs,
		AuthorizationDisabled: *noAuth,
		RootPassword:          *rootPassword,
		MaxUsers:              *maxUsers,
		MaxRoles:              *maxRoles,
		BuiltinRoles:          splitList(*builtinRoles),
		SuperUsers:            splitList(*superUsers),
		Seed:                  *seed,
		Latency:               *latency,
		Faults:                faults,
	})
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "milvus-emulator: %v\n", err)
		return 1
	}
	note := "(Milvus " + v.String() + ", root password " + *rootPassword + ")"
	if *rootPassword != emulator.DefaultRootPassword {
		note = "(Milvus " + v.String() + ", root password from --root-password)" // not echoed: it is not the public default
	}
	if *noAuth {
		note = "(Milvus " + v.String() + ", authorization disabled)"
	}
	fmt.Fprintf(stderr, "milvus-emulator listening on http://%s %s\n", ln.Addr(), note)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		fmt.Fprintf(stderr, "milvus-emulator: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		fmt.Fprintf(stderr, "milvus-emulator: shutdown: %v\n", err)
		return 1
	}
	if faults.Rate > 0 || faults.FailNthMutation > 0 {
		fmt.Fprintf(stderr, "milvus-emulator: faults injected: %s\n", faultCounts(emu.Faults()))
	}
	fmt.Fprintln(stderr, "milvus-emulator stopped")
	return 0
}

// eraReleases are the releases the deprecated --era values stand for: the latest 2.5, a 2.6
// release of the WAL era, and the first release of the E3 errors.
var eraReleases = map[string]release.Version{
	"E1": emulator.DefaultVersion,
	"E2": release.V(2, 6, 12),
	"E3": release.V(2, 6, 19),
}

func eraVersions() string {
	return fmt.Sprintf("%s, %s and %s", eraReleases["E1"], eraReleases["E2"], eraReleases["E3"])
}

// pickVersion chooses the release: --milvus-version, else the deprecated --era, else
// $MILVUS_VERSION, else emulator.DefaultVersion. The zero Version means the default.
func pickVersion(flagVersion, era, env string) (release.Version, error) {
	if flagVersion != "" && era != "" {
		return release.Version{}, fmt.Errorf("--era and --milvus-version both given; use --milvus-version")
	}
	if era != "" {
		v, ok := eraReleases[strings.ToUpper(strings.TrimSpace(era))]
		if !ok {
			return release.Version{}, fmt.Errorf("--era %q: want E1, E2 or E3 (deprecated: use --milvus-version)", era)
		}
		return v, nil
	}
	s, from := flagVersion, "--milvus-version"
	if s == "" {
		s, from = env, "MILVUS_VERSION"
	}
	if s == "" {
		return emulator.DefaultVersion, nil
	}
	v, err := release.Parse(s)
	if err != nil {
		return release.Version{}, fmt.Errorf("%s: %v", from, err)
	}
	if err := release.Supported(v); err != nil {
		return release.Version{}, fmt.Errorf("%s: %v", from, err)
	}
	return v, nil
}

// aliasFlag collects --alias values.
type aliasFlag []string

func (a *aliasFlag) String() string { return strings.Join(*a, " ") }

func (a *aliasFlag) Set(v string) error {
	*a = append(*a, v)
	return nil
}

// parseDatabases reads --databases ("db:coll,coll;db2:coll") and the --alias values
// ("db.alias=collection") into emulator.Options.Databases. An alias must name a collection given
// in --databases, as a server only lets an alias point at a collection that exists.
func parseDatabases(spec string, aliases []string) (map[string]emulator.Database, error) {
	out := map[string]emulator.Database{}
	for _, part := range strings.Split(spec, ";") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		name, colls, _ := strings.Cut(part, ":")
		name = strings.TrimSpace(name)
		if name == "" || name == "*" {
			return nil, fmt.Errorf("--databases: %q: want db:collection,collection", part)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("--databases: database %q given twice", name)
		}
		out[name] = emulator.Database{Collections: splitList(colls), Aliases: map[string]string{}}
	}
	for _, a := range aliases {
		left, coll, ok := strings.Cut(a, "=")
		db, alias, ok2 := strings.Cut(left, ".")
		db, alias, coll = strings.TrimSpace(db), strings.TrimSpace(alias), strings.TrimSpace(coll)
		if !ok || !ok2 || db == "" || alias == "" || coll == "" {
			return nil, fmt.Errorf("--alias %q: want db.alias=collection", a)
		}
		d, known := out[db]
		if !known || !contains(d.Collections, coll) {
			return nil, fmt.Errorf("--alias %q: no collection %q in database %q of --databases", a, coll, db)
		}
		if contains(d.Collections, alias) || d.Aliases[alias] != "" {
			return nil, fmt.Errorf("--alias %q: %q is already a collection or an alias in %q", a, alias, db)
		}
		d.Aliases[alias] = coll
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkLoopback refuses an address whose host is not loopback: the emulator has well-known
// credentials and must not be reachable from elsewhere by accident.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %v", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--addr %q is not a loopback address", addr)
}

// faultCounts renders counts by kind, "503=2 drop=1", in a fixed order; "none" when empty.
func faultCounts(m map[string]int) string {
	var parts []string
	for _, k := range append(append([]string{}, emulator.FaultKinds...), emulator.FaultNthMutation) {
		if m[k] > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
