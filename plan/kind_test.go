package plan

import (
	"slices"
	"strings"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/spec"
)

// fullStep is a step of action a with every field its action may read.
func fullStep(a Action) Step {
	g := spec.NewGrant("Search", "default", "*")
	return Step{Action: a, User: "alice", Role: "reader", Group: "g", Grant: &g, Privileges: []string{"Query"},
		Password: &spec.Secret{Env: "PW"}, PreviousPassword: &spec.Secret{Env: "OLD"}, NewDescription: "d"}
}

// TestEveryActionIsKnownToEveryRenderer fails when an action is added and one of the switches
// that read actions (its kind, its object, its description, its drift noun, the field check of
// a saved plan, Simulate's objects) does not know it.
func TestEveryActionIsKnownToEveryRenderer(t *testing.T) {
	counts := Counts{}
	for _, a := range Order {
		s := fullStep(a)
		if !slices.Contains(Kinds, a.Kind()) {
			t.Errorf("%s: no kind", a)
		}
		if kind, name := s.Object(); !slices.Contains(ObjectKinds, kind) || name == "" {
			t.Errorf("%s: no object (%v %q)", a, kind, name)
		}
		if d := s.Description(); d == string(a) {
			t.Errorf("%s: no description", a)
		}
		if n := s.noun(); n == string(a) {
			t.Errorf("%s: no drift noun", a)
		}
		if !slices.Contains(DriftKinds, s.driftKind()) {
			t.Errorf("%s: no drift kind", a)
		}
		if err := s.check(); err != nil {
			t.Errorf("%s: %v", a, err)
		}
		c := (&Plan{Steps: []Step{s}}).Counts()
		if c.Create+c.Change+c.Describe+c.Grant+c.Revoke+c.Drop != 1 {
			t.Errorf("%s: counted %+v", a, c)
		}
		counts.Create += c.Create
		counts.Change += c.Change
		counts.Grant += c.Grant
		counts.Revoke += c.Revoke
		counts.Drop += c.Drop
		counts.Describe += c.Describe
	}
	if counts.Create == 0 || counts.Change == 0 || counts.Describe == 0 || counts.Grant == 0 || counts.Revoke == 0 || counts.Drop == 0 {
		t.Errorf("a kind is never counted: %+v", counts)
	}
	if s := fullStep("bogus"); s.Action.Kind() != 0 || s.Action.Valid() {
		t.Errorf("an unknown action has kind %v", s.Action.Kind())
	}
}

// TestEveryKindHasAWord fails when a kind is added without its word, or an object kind
// without its rendering in the diff view.
func TestEveryKindHasAWord(t *testing.T) {
	var words []string
	for _, k := range Kinds {
		words = append(words, k.String())
	}
	for _, k := range ObjectKinds {
		words = append(words, k.String())
		st := spec.NewState()
		if _, err := objectYAML(st, k, "x"); err != nil {
			t.Errorf("diff view: %v", err)
		}
	}
	for _, k := range DriftKinds {
		words = append(words, k.String())
		if b, _ := k.MarshalText(); string(b) != k.String() {
			t.Errorf("drift kind %v marshals as %s", k, b)
		}
	}
	for _, w := range words {
		if w == "unknown" || strings.TrimSpace(w) == "" {
			t.Errorf("a kind has no word: %q", words)
		}
	}
	if got := Kind(0).String() + ObjectKind(0).String() + DriftKind(0).String(); got != "unknownunknownunknown" {
		t.Errorf("zero kinds: %q", got)
	}
}

// TestSimulateKnowsEveryAction fails when an action is added and Simulate, which the access
// delta and the lockout rule read, does not carry it out.
func TestSimulateKnowsEveryAction(t *testing.T) {
	live := func() *spec.State {
		s := spec.NewState()
		s.Groups["g"] = &spec.PrivilegeGroup{Name: "g", Privileges: []string{"Query"}}
		s.Roles["reader"] = &spec.Role{Name: "reader", Grants: []spec.Grant{spec.NewGrant("Search", "default", "*")}}
		s.Roles["writer"] = &spec.Role{Name: "writer"}
		s.Users["alice"] = &spec.User{Name: "alice", Roles: []string{"reader"}}
		return s
	}
	grant := func(p string) *spec.Grant { g := spec.NewGrant(p, "default", "*"); return &g }
	steps := map[Action]Step{
		CreatePrivilegeGroup:      {Group: "g2"},
		AddPrivilegesToGroup:      {Group: "g", Privileges: []string{"Insert"}},
		CreateRole:                {Role: "r2"},
		GrantPrivilege:            {Role: "reader", Grant: grant("Insert")},
		CreateUser:                {User: "bob"},
		UpdatePassword:            {User: "alice"}, // a password is not part of the state
		AlterRole:                 {Role: "reader", NewDescription: "readers of default"},
		UpdateUserDescription:     {User: "alice", NewDescription: "the analyst"},
		GrantRole:                 {User: "alice", Role: "writer"},
		RevokeRole:                {User: "alice", Role: "reader"},
		RevokePrivilege:           {Role: "reader", Grant: grant("Search")},
		RemovePrivilegesFromGroup: {Group: "g", Privileges: []string{"Query"}},
		DropUser:                  {User: "alice"},
		DropRole:                  {Role: "writer"},
		DropPrivilegeGroup:        {Group: "g"},
	}
	for _, a := range Order {
		st, ok := steps[a]
		if !ok {
			t.Errorf("%s: no case here; add one, and teach Simulate the action", a)
			continue
		}
		st.Action = a
		before := live()
		after := Simulate(before, &Plan{Steps: []Step{st}})
		if changed := after.Digest() != before.Digest(); changed != (a != UpdatePassword) {
			t.Errorf("%s: Simulate changes the state: %v", a, changed)
		}
	}
}

// TestObjectKindFindsItsSource: the JSON plan and the plan lines of -v name each object's file
// by asking spec.SourceOf with the step's object kind; a kind whose word is not spec's finds
// nothing, silently.
func TestObjectKindFindsItsSource(t *testing.T) {
	sp, err := spec.Parse("team.yaml", []byte(`version: 1
privilege_groups:
  - name: g
    privileges: [Query]
roles:
  - name: reader
    grants:
      - privilege: g
        database: default
users:
  - name: alice
    roles: [reader]
`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[ObjectKind]string{ObjectGroup: "team.yaml:3", ObjectRole: "team.yaml:6", ObjectUser: "team.yaml:11"}
	for _, a := range Order {
		kind, name := fullStep(a).Object()
		if got := sp.SourceOf(kind.String(), name).String(); got != want[kind] {
			t.Errorf("%s: the source of %s %q is %q, want %q", a, kind, name, got, want[kind])
		}
	}
}
