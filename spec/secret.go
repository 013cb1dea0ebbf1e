package spec

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// maxSecretFile bounds how much of a password file Resolve reads: a password is at most 72
// bytes, so anything large is the wrong file, and reading /dev/zero must not hang.
const maxSecretFile = 64 << 10

// Resolve reads the secret: the environment variable, or the file (a relative path resolves
// against baseDir, the spec file's directory, so that a file works from any working
// directory). One trailing newline is trimmed from a file, as editors and `echo` add one.
// An unset or empty variable and a missing or empty file are errors; errors name the
// variable or the path, never a value.
func (s Secret) Resolve(baseDir string) (string, error) {
	switch {
	case s.Env != "" && s.File != "":
		return "", errors.New("a secret names both an environment variable and a file; give one")
	case s.Env != "":
		v, ok := os.LookupEnv(s.Env)
		if !ok {
			return "", unavailable{fmt.Sprintf("environment variable %s is not set", s.Env)}
		}
		if v == "" {
			return "", fmt.Errorf("environment variable %s is empty", s.Env)
		}
		return v, nil
	case s.File != "":
		p := s.File
		if !filepath.IsAbs(p) {
			p = filepath.Join(baseDir, p)
		}
		f, err := os.Open(p)
		if errors.Is(err, os.ErrNotExist) {
			return "", unavailable{fmt.Sprintf("read secret file %s: %v", p, unwrapPath(err))}
		}
		if err != nil {
			return "", fmt.Errorf("read secret file %s: %w", p, unwrapPath(err))
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
		if err != nil {
			return "", fmt.Errorf("read secret file %s: %w", p, unwrapPath(err))
		}
		if len(data) > maxSecretFile {
			return "", fmt.Errorf("secret file %s is larger than %d bytes: not a password file", p, maxSecretFile)
		}
		v := string(data)
		if strings.HasSuffix(v, "\r\n") {
			v = v[:len(v)-2]
		} else {
			v = strings.TrimSuffix(v, "\n")
		}
		if v == "" {
			return "", fmt.Errorf("secret file %s is empty", p)
		}
		return v, nil
	}
	return "", errors.New("a secret names neither an environment variable nor a file")
}

// unavailable is the error of a secret that is not there where the tool runs (an unset
// variable, a missing file), as opposed to one that is there and wrong.
type unavailable struct{ msg string }

func (u unavailable) Error() string { return u.msg }

// IsUnavailable reports whether err says a secret is not there where the tool runs: an unset
// environment variable or a missing file. A plan made where the secrets are not (a pull
// request's job) notes it; apply, which needs the value, fails on it.
func IsUnavailable(err error) bool {
	var u unavailable
	return errors.As(err, &u)
}

// unwrapPath drops the *PathError wrapper, whose message repeats the path the caller
// already names.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// CheckPassword checks a password against a policy (PolicyZilliz or PolicyMilvus) before a
// user is created with it, so that a weak password fails the plan instead of half an apply.
// The error names the user and the rule; it never contains the value, nor its length.
func CheckPassword(policy, user, value string) error {
	switch policy {
	case PolicyZilliz, "":
		// The Zilliz Cloud user guide counts characters.
		if n := utf8.RuneCountInString(value); n < 8 || n > 64 {
			return fmt.Errorf("password of user %q breaks the zilliz password policy: it must be 8 to 64 characters long", user)
		}
		var upper, lower, digit, special int
		for _, r := range value {
			switch {
			case r >= 'A' && r <= 'Z':
				upper = 1
			case r >= 'a' && r <= 'z':
				lower = 1
			case r >= '0' && r <= '9':
				digit = 1
			default:
				special = 1
			}
		}
		if upper+lower+digit+special < 3 {
			return fmt.Errorf("password of user %q breaks the zilliz password policy: it must contain at least three of upper case letters, lower case letters, digits and special characters", user)
		}
		return nil
	case PolicyMilvus:
		// Milvus counts bytes (proxy.minPasswordLength, proxy.maxPasswordLength, the bcrypt limit).
		if n := len(value); n < 6 || n > 72 {
			return fmt.Errorf("password of user %q breaks the milvus password policy: it must be 6 to 72 bytes long", user)
		}
		return nil
	}
	return fmt.Errorf("unknown password policy %q (known policies: zilliz, milvus)", policy)
}
