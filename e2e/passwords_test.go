package e2e

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/milvus/emulator"
)

func TestPasswordChecksAndRotation(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	expect(t, c.run(t, quickstartEnv, "apply", "-f", quickstart, "--auto-approve"), 0)
	const handSet = "Alice-Hand-Set-7"
	must(t, c.Client.UpdatePassword(context.Background(), "alice", alicePW, handSet))

	// Passwords are never compared unless asked.
	expect(t, c.run(t, quickstartEnv, "drift", "-f", quickstart), 0, "No drift.")

	r := c.run(t, quickstartEnv, "drift", "-f", quickstart, "--check-passwords")
	expect(t, r, 2, "changed password of user alice (the file's password does not log in)", "Drift: 0 missing, 0 extra, 1 changed.")

	// Without the old password the change is blocked, not done by dropping the user.
	r = c.run(t, quickstartEnv, "plan", "-f", quickstart, "--check-passwords", "--detailed-exitcode")
	expect(t, r, 2, "~ change password to (sensitive) [blocked: Milvus changes a password only given the old one",
		"Blocked: 1 step(s) cannot run", "0 to drop, 1 password(s) to change")
	r = c.run(t, quickstartEnv, "apply", "-f", quickstart, "--check-passwords", "--auto-approve")
	expect(t, r, 1, "blocked: change the password of user alice")
	if c.Emu != nil && !c.Emu.CheckPassword("alice", handSet) {
		t.Fatal("a blocked step changed the password")
	}

	// With previous_password the password is rotated in place; the user keeps its roles.
	data, err := os.ReadFile(quickstart)
	if err != nil {
		t.Fatal(err)
	}
	rotated := strings.Replace(string(data), "password: {env: QUICKSTART_ALICE_PASSWORD}",
		"password: {env: QUICKSTART_ALICE_PASSWORD}\n    previous_password: {env: ALICE_OLD_PASSWORD}", 1)
	f := writeFile(t, "access.yaml", rotated)
	env := append([]string{"ALICE_OLD_PASSWORD=" + handSet}, quickstartEnv...)
	r = c.run(t, env, "apply", "-f", f, "--check-passwords", "--auto-approve")
	expect(t, r, 0, "change the password of user alice to (sensitive)", "The cluster matches")
	if c.Emu != nil {
		if !c.Emu.CheckPassword("alice", alicePW) {
			t.Error("alice's password was not rotated")
		}
		if roles := c.Emu.Users()["alice"]; len(roles) != 2 {
			t.Errorf("alice lost roles in the rotation: %v", roles)
		}
	}
	expect(t, c.run(t, env, "drift", "-f", f, "--check-passwords"), 0, "No drift.")
	for _, secret := range []string{handSet, alicePW} {
		if strings.Contains(r.Stdout+r.Stderr, secret) {
			t.Errorf("output holds a password:\n%s", r)
		}
	}
}

func TestVerboseLogsCallsWithoutSecrets(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	r := c.run(t, quickstartEnv, "apply", "-f", quickstart, "--auto-approve", "-v")
	expect(t, r, 0, "milvus-rbac: users/list attempt 1/", "milvus-rbac: users/create attempt 1/")
	for _, secret := range []string{alicePW, bobPW, carolPW, strings.TrimPrefix(c.Token, "root:")} {
		if strings.Contains(r.Stdout+r.Stderr, secret) {
			t.Errorf("-v output holds a secret")
		}
	}
}

func TestTokenOnTheCommandLineWarns(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	r := c.run(t, quickstartEnv, "plan", "-f", quickstart, "--token", c.Token)
	expect(t, r, 0, "Warning: --token on the command line is visible to other users")
	r = c.run(t, quickstartEnv, "plan", "-f", quickstart)
	if strings.Contains(r.Stderr, "Warning: --token") {
		t.Errorf("warned without --token:\n%s", r)
	}
}

// TestPasswordProblemsNameTheirSource: a password that is missing or breaks the policy is
// refused before any change, naming the user's file and line and where the password comes
// from, never its value.
func TestPasswordProblemsNameTheirSource(t *testing.T) {
	c := newCluster(t, emulator.Options{})
	env := append([]string{"QUICKSTART_CAROL_PASSWORD=short"}, quickstartEnv[:2]...)
	r := c.run(t, env, "plan", "-f", quickstart)
	expect(t, r, 1, quickstart+`:37: password of user "carol" breaks the zilliz password policy: it must be 8 to 64 characters long (the password comes from env QUICKSTART_CAROL_PASSWORD)`)
	if strings.Contains(r.Stdout+r.Stderr, "short") {
		t.Errorf("output holds the password:\n%s", r)
	}
	// A missing variable names the user's line too: a note for plan (apply needs it), an
	// error for apply and where --check-passwords reads it.
	r = c.run(t, quickstartEnv[:2], "plan", "-f", quickstart)
	expect(t, r, 0, "Note: "+quickstart+`:37: user "carol": environment variable QUICKSTART_CAROL_PASSWORD is not set here; apply needs it`)
	r = c.run(t, quickstartEnv[:2], "apply", "-f", quickstart, "--auto-approve")
	expect(t, r, 1, quickstart+`:37: user "carol": environment variable QUICKSTART_CAROL_PASSWORD is not set`)
	expect(t, c.run(t, quickstartEnv, "apply", "-f", quickstart, "--auto-approve"), 0)
	r = c.run(t, quickstartEnv[:2], "drift", "-f", quickstart, "--check-passwords")
	expect(t, r, 1, quickstart+`:37: user "carol": environment variable QUICKSTART_CAROL_PASSWORD is not set`)
}
