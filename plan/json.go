package plan

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/milvus-rbac/milvus-rbac/output"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

// FormatVersion is the version of the JSON plan document (output.PlanVersion). Minor versions
// add fields; a new major version means consumers must refuse the document.
// docs/plan-format.md describes it.
const FormatVersion = output.PlanVersion

// The kinds of Document.
const (
	DocumentPlan  = "plan"
	DocumentDrift = "drift"
)

// Document is the versioned JSON form of a plan (plan --format json, plan --out) or of a drift
// report (drift --format json). It never holds a secret: a created user's password appears as
// the reference to its environment variable or file.
type Document struct {
	FormatVersion string `json:"format_version"`
	// Kind is DocumentPlan or DocumentDrift.
	Kind        string  `json:"kind"`
	ToolVersion string  `json:"tool_version"`
	Spec        SpecRef `json:"spec"`
	// Specs are every file of the spec with its digest (1.2): a spec may be several files,
	// and a saved plan is stale when any of them changed. Spec names the first file, or
	// for several files their list, with the digest of them all.
	Specs     []SpecRef `json:"specs,omitempty"`
	Live      LiveRef   `json:"live"`
	Mode      spec.Mode `json:"mode"`
	Steps     []DocStep `json:"steps"`
	Unmanaged Unmanaged `json:"unmanaged"`
	Kept      []string  `json:"kept"`
	// Skipped lists, in additive mode, what a mode that revokes would revoke (Plan.Skipped).
	Skipped []DocStep `json:"skipped,omitempty"`
	Summary Summary   `json:"summary"`
	// AccessDelta is how the plan changes each user's effective access (package access,
	// UserDelta), filled in by the caller; absent when not computed.
	AccessDelta json.RawMessage `json:"access_delta,omitempty"`
	// AccessSummary is the compact form of AccessDelta (package access, Compact): the changes
	// many users share folded, with every user named, the others per user, and each group's
	// privileges once; filled in by the caller.
	AccessSummary json.RawMessage `json:"access_summary,omitempty"`
	// CheckPasswords records that passwords were probed (plan --check-passwords), so that
	// apply --plan plans again the same way.
	CheckPasswords bool `json:"check_passwords,omitempty"`
}

// SpecRef names the spec file a plan was made from.
type SpecRef struct {
	Path   string `json:"path"`
	Digest string `json:"digest"`
}

// LiveRef names the cluster a plan was made against and the digest of what was read.
type LiveRef struct {
	URI    string `json:"uri"`
	Digest string `json:"digest"`
	// Release is the server's Milvus release as known when planning ("2.5.27", "2.6.0 to
	// 2.6.18"), and ReleaseSource how it was learnt; information only, never compared.
	Release       string `json:"release,omitempty"`
	ReleaseSource string `json:"release_source,omitempty"`
}

// DocStep is a step with the fields a reader of the JSON needs beside it.
type DocStep struct {
	Step
	Destructive bool   `json:"destructive"`
	Description string `json:"description"`
	// Source is where the spec defines the step's object, "file:line" (1.2); absent for an
	// object the spec does not list (a drop).
	Source string `json:"source,omitempty"`
	// Drift is "missing", "extra" or "changed" in a drift document, absent in a plan.
	Drift string `json:"drift,omitempty"`
	// NotFixed, in a drift document, marks a difference that the plan does not repair when
	// run as the connecting user (its own roles, its password), with what to do instead.
	NotFixed string `json:"not_fixed,omitempty"`
}

// Summary counts the steps.
type Summary struct {
	Counts
	Destructive int  `json:"destructive"`
	Total       int  `json:"total"`
	Changes     bool `json:"changes"`
}

// Meta is what a Document records beside the plan itself.
type Meta struct {
	ToolVersion    string
	CheckPasswords bool
	Spec           SpecRef
	// Specs are the spec's files (Document.Specs).
	Specs []SpecRef
	Live  LiveRef
	// Source, when set, says where the spec defines an object (Document's step source).
	Source func(kind, name string) string
}

// source is where m says a step's object is defined.
func (m Meta) source(s Step) string {
	if m.Source == nil {
		return ""
	}
	kind, name := s.Object()
	return m.Source(kind.String(), name)
}

// NewDocument builds the document of p, or of p read as drift when drift is set: then its
// steps are the differences (Plan.Differences), those the plan does not repair as the
// connecting user included, and the summary counts them.
func NewDocument(p *Plan, m Meta, drift bool) *Document {
	d := &Document{
		FormatVersion: FormatVersion, Kind: DocumentPlan, ToolVersion: m.ToolVersion,
		Spec: m.Spec, Specs: m.Specs, Live: m.Live, Mode: p.Mode, Steps: []DocStep{}, Unmanaged: p.Unmanaged, Kept: p.KeptNotes(),
		CheckPasswords: m.CheckPasswords,
		Summary:        Summary{Counts: p.Counts(), Destructive: len(p.Destructive()), Total: len(p.Steps), Changes: !p.Empty()},
	}
	if drift {
		d.Kind = DocumentDrift
		diffs := p.Differences()
		counted := &Plan{}
		for _, df := range diffs {
			d.Steps = append(d.Steps, DocStep{Step: df.Step, Destructive: df.Step.Destructive(), Description: df.Step.Description(),
				Source: m.source(df.Step), Drift: df.Kind.String(), NotFixed: df.NotFixed})
			counted.Steps = append(counted.Steps, df.Step)
		}
		d.Summary = Summary{Counts: counted.Counts(), Destructive: len(counted.Destructive()), Total: len(diffs), Changes: len(diffs) > 0}
	} else {
		for _, s := range p.Steps {
			d.Steps = append(d.Steps, DocStep{Step: s, Destructive: s.Destructive(), Description: s.Description(), Source: m.source(s)})
		}
	}
	for _, s := range p.Skipped {
		d.Skipped = append(d.Skipped, DocStep{Step: s, Destructive: s.Destructive(), Description: s.Description()})
	}
	for _, l := range []*[]string{&d.Unmanaged.Users, &d.Unmanaged.Roles, &d.Unmanaged.Groups, &d.Kept} {
		if *l == nil {
			*l = []string{}
		}
	}
	return d
}

// Write writes d as indented JSON.
func (d *Document) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(d)
}

// ReadDocument reads a plan document, refusing another major format version, an unknown
// action and a step without the fields its action needs.
func ReadDocument(r io.Reader) (*Document, error) {
	var d Document
	if err := json.NewDecoder(r).Decode(&d); err != nil {
		return nil, fmt.Errorf("decode plan: %w", err)
	}
	if want := output.Major(FormatVersion); output.Major(d.FormatVersion) != want {
		return nil, fmt.Errorf("plan format_version %q is not supported: this milvus-rbac reads %s.x", d.FormatVersion, want)
	}
	if d.Kind != DocumentPlan {
		return nil, fmt.Errorf("the document is a %q, not a plan", d.Kind)
	}
	for i, s := range d.Steps {
		if err := s.Step.check(); err != nil {
			return nil, fmt.Errorf("step %d: %w", i+1, err)
		}
	}
	return &d, nil
}

// Plan returns the plan the document holds.
func (d *Document) Plan() *Plan {
	p := &Plan{Mode: d.Mode, Unmanaged: d.Unmanaged}
	for _, n := range d.Kept {
		p.Kept = append(p.Kept, Kept{Note: n})
	}
	for _, s := range d.Steps {
		p.Steps = append(p.Steps, s.Step)
	}
	for _, s := range d.Skipped {
		p.Skipped = append(p.Skipped, s.Step)
	}
	return p
}

// check reports a step that lacks what its action needs.
func (s Step) check() error {
	missing := func(what string) error { return fmt.Errorf("%s step without %s", s.Action, what) }
	switch s.Action {
	case CreatePrivilegeGroup, DropPrivilegeGroup:
		if s.Group == "" {
			return missing("privilege_group")
		}
	case AddPrivilegesToGroup, RemovePrivilegesFromGroup:
		if s.Group == "" || len(s.Privileges) == 0 {
			return missing("privilege_group and privileges")
		}
	case CreateRole, DropRole:
		if s.Role == "" {
			return missing("role")
		}
	case GrantPrivilege, RevokePrivilege:
		if s.Role == "" || s.Grant == nil {
			return missing("role and grant")
		}
	case CreateUser, DropUser:
		if s.User == "" {
			return missing("user")
		}
	case UpdatePassword:
		if s.User == "" || s.Password == nil {
			return missing("user and password")
		}
	case AlterRole:
		if s.Role == "" || s.NewDescription == "" {
			return missing("role and new_description")
		}
	case UpdateUserDescription:
		if s.User == "" || s.NewDescription == "" {
			return missing("user and new_description")
		}
	case GrantRole, RevokeRole:
		if s.User == "" || s.Role == "" {
			return missing("user and role")
		}
	default:
		return fmt.Errorf("unknown action %q", s.Action)
	}
	return nil
}

// Compare lists how the steps of fresh differ from those of saved: steps saved but no longer
// needed, and steps needed now but not saved. Empty when they are the same, step for step.
func Compare(saved, fresh *Plan) []string {
	key := func(s Step) string { b, _ := json.Marshal(s); return string(b) }
	count := map[string]int{}
	for _, s := range fresh.Steps {
		count[key(s)]++
	}
	var out []string
	for _, s := range saved.Steps {
		if count[key(s)] > 0 {
			count[key(s)]--
			continue
		}
		out = append(out, "saved but no longer needed: "+s.Description())
	}
	for _, s := range fresh.Steps {
		if count[key(s)] > 0 {
			count[key(s)]--
			out = append(out, "needed now but not in the saved plan: "+s.Description())
		}
	}
	if len(out) == 0 && len(saved.Steps) == len(fresh.Steps) {
		for i := range saved.Steps {
			if key(saved.Steps[i]) != key(fresh.Steps[i]) {
				return []string{"the same steps in another order"}
			}
		}
	}
	return out
}
