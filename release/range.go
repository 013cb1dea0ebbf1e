package release

import "github.com/milvus-rbac/milvus-rbac/privilege"

// Range is what is known of a server's release: Min to Max, both included. Max is zero when
// nothing bounds the release from above; Min equal to Max when the release is known exactly.
type Range struct {
	Min, Max Version
}

// Exactly is the Range of one known release.
func Exactly(v Version) Range { return Range{v, v} }

// Exact reports whether the range is one release.
func (r Range) Exact() bool { return !r.Max.IsZero() && r.Min == r.Max }

// String is "2.6.19", "2.6.0 to 2.6.18" or "3.0.0 or later".
func (r Range) String() string {
	switch {
	case r.Exact():
		return r.Min.String()
	case r.Max.IsZero():
		return r.Min.String() + " or later"
	}
	return r.Min.String() + " to " + r.Max.String()
}

// Tri is a yes, no or maybe answer.
type Tri int

// Answers of Range.Has.
const (
	No Tri = iota
	Maybe
	Yes
)

// Has says whether the releases of the range have behaviour b: Yes or No when both ends
// agree, Maybe otherwise. An open range counts Latest as its upper end.
func (r Range) Has(b Behaviour) Tri {
	hi := r.Max
	if hi.IsZero() {
		hi = Latest
		if hi.Compare(r.Min) < 0 {
			hi = r.Min
		}
	}
	lo, up := For(r.Min).Has(b), For(hi).Has(b)
	switch {
	case lo && up:
		return Yes
	case !lo && !up:
		return No
	}
	return Maybe
}

// Groups is the built-in group contents to assume: those of the oldest release of the range.
func (r Range) Groups() privilege.Version { return For(r.Min).Groups() }
