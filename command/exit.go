package command

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/milvus-rbac/milvus-rbac/milvus"
)

// Exit codes, the same for every command. They are defined here only; main maps a command's
// error to one of them (Code).
const (
	// ExitOK: success, or the cluster matches the file.
	ExitOK = 0
	// ExitError: an error; nothing more is said about the cluster.
	ExitError = 1
	// ExitChanges: changes are present (plan --detailed-exitcode, drift).
	ExitChanges = 2
	// ExitViolations: check found the policy violated (invalid input is ExitError).
	ExitViolations = 3
)

// exitCodesHelp is the EXIT CODES section of the help of the tool and of each command.
const exitCodesHelp = `EXIT CODES:
   0  success; for plan --detailed-exitcode and drift: the cluster matches the file; for check: no violation
   1  error (invalid file or flag, unreachable cluster, failed step); nothing more is claimed
   2  changes present (plan --detailed-exitcode, plan --targets, drift)
   3  check: the policy is violated`

// CodeError is a command's outcome other than success, carrying its exit code. Err, when set,
// is printed as the error ("Error: ..."); a nil Err means the command's output has said all
// there is (the changes of drift, the violations of check, a cancelled apply). Any other error
// a command returns exits ExitError.
type CodeError struct {
	Code int
	Err  error
}

// Error is Err's message, or "exit N" when there is none.
func (e *CodeError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}

// Unwrap returns Err.
func (e *CodeError) Unwrap() error { return e.Err }

// exit is the outcome of a command that ends with code, its output having said why.
func exit(code int) error { return &CodeError{Code: code} }

// Code is the exit code of a command's error: ExitOK for nil, the code a *CodeError carries,
// ExitError for any other error.
func Code(err error) int {
	if err == nil {
		return ExitOK
	}
	var ce *CodeError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return ExitError
}

// Report prints err to w as every command's error reads ("Error: message", then "Hint: ..."
// when its cause is known), unless it is Silent, and returns its exit code (Code).
func Report(w io.Writer, err error) int { return ReportWith(w, err, nil) }

// ReportWith is Report with the hint passed through rewrite, when set: a target of --targets
// names its targets-file fields where the hint names flags.
func ReportWith(w io.Writer, err error, rewrite func(hint string) string) int {
	if err != nil && !Silent(err) {
		fmt.Fprintf(w, "Error: %s\n", MessageWith(err, rewrite))
	}
	return Code(err)
}

// Message is err as Report prints it, without "Error: ": the message, then "Hint: ..." on a
// line of its own when the cause is known. A report over targets keeps it per target.
func Message(err error) string { return MessageWith(err, nil) }

// MessageWith is Message with the hint passed through rewrite, when set.
func MessageWith(err error, rewrite func(hint string) string) string {
	msg := strings.TrimSpace(err.Error())
	if h := milvus.Hint(err); h != "" {
		if rewrite != nil {
			h = rewrite(h)
		}
		msg += "\nHint: " + h
	}
	return msg
}

// Silent reports whether err is an outcome that prints nothing more (a *CodeError without
// Err).
func Silent(err error) bool {
	var ce *CodeError
	return errors.As(err, &ce) && ce.Err == nil
}
