package main

import (
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTinyCase runs the harness on a tiny case at 1 ms, so that it cannot rot unnoticed when
// the CLI changes: every run must succeed and make exactly the calls the harness expects.
func TestTinyCase(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "milvus-rbac")
	if out, err := exec.Command("go", "build", "-o", bin, "..").CombinedOutput(); err != nil {
		t.Fatalf("build milvus-rbac: %v\n%s", err, out)
	}
	o := options{bin: bin, latency: time.Millisecond, concurrency: 4}
	bc := benchCase{Name: "tiny", Fixture: fixture{Users: 9, Roles: 3, Grants: 6, RolesPerUser: 2},
		Latency: time.Millisecond, SerialRead: true, SerialApply: true, CheckSpeedup: true}
	rows, err := runCase(o, bc, dir, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want plan and apply at --concurrency 4 and 1", len(rows))
	}
	var report strings.Builder
	if !printReport(&report, o, []benchCase{bc}, rows, "0 0 0", time.Second) {
		t.Errorf("an exact check failed:\n%s", report.String())
	}
	// 9 users + root, 3 roles + admin and public.
	if got, want := rows[0].Want, 10+5+3; got != want {
		t.Errorf("read: expected %d calls, want U + R + 3 = %d", got, want)
	}
	fleet, err := runFleet(o, 3, []int{1, 3}, dir, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	report.Reset()
	if !printFleet(&report, fleet) {
		t.Errorf("a fleet run made other calls than one plan per target:\n%s", report.String())
	}
	// 3 roles, 18 grants, 9 users, 18 role grants.
	if got, want := rows[2].Steps, 3+18+9+18; got != want {
		t.Errorf("apply: %d steps, want %d", got, want)
	}
}
