package plan

import "github.com/milvus-rbac/milvus-rbac/spec"

// Kind is the summary bucket of an action: what the closing count line and the JSON summary
// count it as.
type Kind int

// The kinds, in the order of the count line.
const (
	KindCreate Kind = iota + 1
	// KindChange is a change in place: a new password.
	KindChange
	KindGrant
	KindRevoke
	KindDrop
)

// Kinds are all the kinds, for tests that check every renderer knows each of them.
var Kinds = []Kind{KindCreate, KindChange, KindGrant, KindRevoke, KindDrop}

var kindWords = []string{KindCreate: "create", KindChange: "change", KindGrant: "grant", KindRevoke: "revoke", KindDrop: "drop"}

// String is the kind's word: "create", "change", "grant", "revoke" or "drop".
func (k Kind) String() string { return word(kindWords, k) }

// ObjectKind is the kind of object a step belongs to. Its order is the order in which the
// text and diff renderings list objects.
type ObjectKind int

// The object kinds, in display order.
const (
	ObjectGroup ObjectKind = iota + 1
	ObjectRole
	ObjectUser
)

// ObjectKinds are all the object kinds.
var ObjectKinds = []ObjectKind{ObjectGroup, ObjectRole, ObjectUser}

// objectWords are spec's kind words: a step's object kind, as String gives it, is the kind
// spec.SourceOf takes (plan lines and the JSON plan name the file of each object with it).
var objectWords = []string{ObjectGroup: spec.KindGroup, ObjectRole: spec.KindRole, ObjectUser: spec.KindUser}

// String is the object kind's noun: "privilege group", "role" or "user".
func (k ObjectKind) String() string { return word(objectWords, k) }

// DriftKind is how the cluster differs from the file in one Difference.
type DriftKind int

// The drift kinds.
const (
	// Missing: the file has it, the cluster does not.
	Missing DriftKind = iota + 1
	// Extra: the cluster has it within the file's scope, the file does not.
	Extra
	// Changed: a password that does not log in (with --check-passwords), or a privilege group
	// whose level changes.
	Changed
)

// DriftKinds are all the drift kinds.
var DriftKinds = []DriftKind{Missing, Extra, Changed}

var driftWords = []string{Missing: "missing", Extra: "extra", Changed: "changed"}

// String is the drift kind's word, as drift prints it and its JSON holds it: "missing",
// "extra" or "changed".
func (k DriftKind) String() string { return word(driftWords, k) }

// MarshalText writes the drift kind as its word.
func (k DriftKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// word is the word of kind k in words, "unknown" for a value without one.
func word[K ~int](words []string, k K) string {
	if k > 0 && int(k) < len(words) && words[k] != "" {
		return words[k]
	}
	return "unknown"
}
