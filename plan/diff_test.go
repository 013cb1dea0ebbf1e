package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/milvus-rbac/milvus-rbac/spec"
	"github.com/milvus-rbac/milvus-rbac/spec/spectest"
)

// st builds a State (spectest.State) whose users each have a password source.
func st(users, roles, groups []string) *spec.State {
	s := spectest.State(users, roles, groups)
	for name, u := range s.Users {
		u.Password = &spec.Secret{Env: "PW_" + name}
	}
	return s
}

func describe(p *Plan) []string {
	out := []string{}
	for _, s := range p.Steps {
		out = append(out, s.Description())
	}
	return out
}

// builtins is what every live cluster has.
var builtinUsers = []string{"root:"}
var builtinRoles = []string{"admin:", "public:DescribeCollection@*.*,ListAliases@*.*,IndexDetail@*.*"}

func TestDiff(t *testing.T) {
	cases := map[string]struct {
		mode    spec.Mode
		protect spec.Protect
		want    *spec.State
		live    *spec.State
		opts    Options
		steps   []string
		kept    []string
		unman   Unmanaged
	}{
		"empty cluster, everything created in phase order": {
			want: st([]string{"alice:reader"}, []string{"reader:search_only@default.books"}, []string{"search_only:Query,Search"}),
			live: st(builtinUsers, builtinRoles, nil),
			steps: []string{
				"create privilege group search_only",
				"add Query, Search to privilege group search_only",
				"create role reader",
				"grant search_only on default.books to role reader",
				"create user alice with password = (sensitive)",
				"grant role reader to user alice",
			},
		},
		"in sync is empty": {
			want: st([]string{"alice:reader"}, []string{"reader:Search@default.*"}, nil),
			live: st(append(builtinUsers, "alice:reader"), append(builtinRoles, "reader:Search@default.*"), nil),
		},
		"Load granted alone, companions implied": {
			want:  st(nil, []string{"r:Load@default.c"}, nil),
			live:  st(builtinUsers, append(builtinRoles, "r:"), nil),
			steps: []string{"grant Load on default.c to role r"},
		},
		"Load with its companions on the cluster is in sync": {
			want: st(nil, []string{"r:Load@default.c"}, nil),
			live: st(builtinUsers, append(builtinRoles, "r:Load@default.c,GetLoadState@default.c,GetLoadingProgress@default.c"), nil),
		},
		"Load revoked alone, companions go with it": {
			want:  st(nil, []string{"r:"}, nil),
			live:  st(builtinUsers, append(builtinRoles, "r:Flush@db.c,GetFlushState@db.c,Load@default.c,GetLoadState@default.c,GetLoadingProgress@default.c"), nil),
			steps: []string{"revoke Flush on db.c from role r", "revoke Load on default.c from role r"},
		},
		"Load revoked while a companion is kept": {
			want:  st(nil, []string{"r:GetLoadState@default.c"}, nil),
			live:  st(builtinUsers, append(builtinRoles, "r:Load@default.c,GetLoadState@default.c,GetLoadingProgress@default.c"), nil),
			steps: []string{"revoke Load on default.c from role r (then grant GetLoadState again: Milvus revokes them with Load)"},
		},
		"companion missing on the cluster is granted": {
			want:  st(nil, []string{"r:Load@default.c"}, nil),
			live:  st(builtinUsers, append(builtinRoles, "r:Load@default.c,GetLoadState@default.c"), nil),
			steps: []string{"grant GetLoadingProgress on default.c to role r"},
		},
		"adopt revokes within listed objects and leaves the unlisted": {
			want: st([]string{"alice:reader"}, []string{"reader:Search@default.*"}, []string{"g:Query"}),
			live: st(append(builtinUsers, "alice:reader,writer", "bob:writer"),
				append(builtinRoles, "reader:Search@default.*,Insert@default.*", "writer:Insert@*.*"),
				[]string{"g:Query,Search", "other:Query"}),
			steps: []string{
				"revoke role writer from user alice",
				"revoke Insert on default.* from role reader",
				"remove Search from privilege group g",
			},
			unman: Unmanaged{Users: []string{"bob"}, Roles: []string{"writer"}, Groups: []string{"other"}},
		},
		"additive never takes away": {
			mode: spec.ModeAdditive,
			want: st([]string{"alice:reader"}, []string{"reader:Search@default.*"}, []string{"g:Query"}),
			live: st(append(builtinUsers, "alice:writer", "bob:"),
				append(builtinRoles, "reader:Insert@default.*", "writer:"), []string{"g:Search"}),
			steps: []string{
				"add Query to privilege group g",
				"grant Search on default.* to role reader",
				"grant role reader to user alice",
			},
			unman: Unmanaged{Users: []string{"bob"}, Roles: []string{"writer"}},
		},
		"authoritative drops the unlisted, revoking first": {
			mode: spec.ModeAuthoritative,
			want: st([]string{"alice:reader"}, []string{"reader:Search@default.*"}, nil),
			live: st(append(builtinUsers, "alice:reader,old", "bob:old"),
				append(builtinRoles, "reader:Search@default.*", "old:g@default.*,Insert@*.*"), []string{"g:Query"}),
			steps: []string{
				"revoke role old from user alice",
				"revoke Insert on *.* from role old",
				"revoke g on default.* from role old",
				"drop user bob",
				"drop role old",
				"drop privilege group g",
			},
		},
		"protected and built-in names are never touched": {
			mode:    spec.ModeAuthoritative,
			protect: spec.Protect{Users: []string{"db_admin"}, Roles: []string{"db_*"}},
			want:    st([]string{"alice:db_ro"}, nil, nil),
			live: st(append(builtinUsers, "alice:", "db_admin:db_admin"),
				append(builtinRoles, "db_admin:*@*.*", "db_ro:DatabaseReadOnly@*.*"), nil),
			steps: []string{"grant role db_ro to user alice"},
		},
		"the connecting user is never dropped and never loses a role": {
			mode: spec.ModeAuthoritative,
			want: st([]string{"ops:reader"}, []string{"reader:Search@default.*"}, nil),
			live: st(append(builtinUsers, "ops:admin,reader,tools", "ci:tools"),
				append(builtinRoles, "reader:Search@default.*", "tools:Insert@*.*"), nil),
			opts:  Options{ConnectedUser: "ops"},
			steps: []string{"drop user ci"},
			kept: []string{
				"role tools is not dropped: user ops holds it and it is the user milvus-rbac connects as",
				"user ops keeps role admin: it is the user milvus-rbac connects as",
				"user ops keeps role tools: it is the user milvus-rbac connects as",
			},
		},
		"a group held by a protected role is not dropped": {
			mode:    spec.ModeAuthoritative,
			protect: spec.Protect{Roles: []string{"keep_*"}},
			want:    st(nil, nil, nil),
			live:    st(builtinUsers, append(builtinRoles, "keep_me:g@default.*"), []string{"g:Query"}),
			kept:    []string{"privilege group g is not dropped: role keep_me keeps a grant of it and is outside the plan"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			mode := tc.mode
			if mode == "" {
				mode = spec.ModeAdopt
			}
			p, err := Diff(&spec.Spec{Mode: mode, Protect: tc.protect, State: tc.want}, tc.live, tc.opts)
			if err != nil {
				t.Fatalf("Diff: %v", err)
			}
			steps := tc.steps
			if steps == nil {
				steps = []string{}
			}
			if d := cmp.Diff(steps, describe(p)); d != "" {
				t.Errorf("steps (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.kept, p.KeptNotes()); d != "" {
				t.Errorf("kept (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.unman, p.Unmanaged); d != "" {
				t.Errorf("unmanaged (-want +got):\n%s", d)
			}
		})
	}
}

func TestDiffPasswords(t *testing.T) {
	want := st([]string{"alice:", "bob:", "ops:"}, nil, nil)
	want.Users["alice"].PreviousPassword = &spec.Secret{Env: "OLD_alice"}
	live := st(append(builtinUsers, "alice:", "bob:", "ops:", "carol:"), builtinRoles, nil)
	mismatch := map[string]bool{"alice": true, "bob": true, "ops": true}
	p, err := Diff(&spec.Spec{Mode: spec.ModeAdditive, State: want}, live, Options{ConnectedUser: "ops", PasswordMismatch: mismatch})
	if err != nil {
		t.Fatal(err)
	}
	wantSteps := []string{
		"change the password of user alice to (sensitive)",
		"change the password of user bob to (sensitive) [blocked: Milvus changes a password only given the old one: add previous_password to the file (never drop and re-create the user, which loses its roles)]",
	}
	if d := cmp.Diff(wantSteps, describe(p)); d != "" {
		t.Errorf("steps (-want +got):\n%s", d)
	}
	if got := p.Steps[0].PreviousPassword; got == nil || got.Env != "OLD_alice" {
		t.Errorf("alice's step has previous password %v", got)
	}
	if len(p.Blocked()) != 1 || len(p.Kept) != 1 || !strings.HasPrefix(p.Kept[0].Note, "the password of user ops is not changed: it is the user milvus-rbac connects as") {
		t.Errorf("blocked %v, kept %v", p.Blocked(), p.Kept)
	}
	if c := p.Counts(); c.Change != 2 || c.String() != "0 to create, 0 to grant, 0 to revoke, 0 to drop, 2 password(s) to change" {
		t.Errorf("counts %+v: %s", c, c)
	}
	// Without --check-passwords, nothing is compared.
	p, _ = Diff(&spec.Spec{Mode: spec.ModeAdditive, State: want}, live, Options{})
	if !p.Empty() {
		t.Errorf("a plan without password checks has steps: %v", describe(p))
	}
}

func TestDiffErrors(t *testing.T) {
	want := st([]string{"alice:db_ro"}, []string{"r:CollectionReadOnly@default.*,vendor_g@default.*"}, []string{"g:Query"})
	live := st(builtinUsers, builtinRoles, nil)
	_, err := Diff(&spec.Spec{Mode: spec.ModeAdopt, Protect: spec.Protect{Roles: []string{"db_*"}, Groups: []string{"vendor_*"}}, State: want}, live,
		Options{NoPrivilegeGroups: true})
	if err == nil {
		t.Fatal("Diff succeeded, want errors")
	}
	for _, sub := range []string{
		`user "alice": role "db_ro" is protected`,
		"custom privilege groups need Milvus 2.4.16 or 2.5.0",
		`role "r": grant of built-in group CollectionReadOnly needs grant_privilege_v2`,
		`role "r": privilege group "vendor_g" is protected, so the file does not create it, and it does not exist on the cluster`,
	} {
		if !strings.Contains(err.Error(), sub) {
			t.Errorf("error %q lacks %q", err, sub)
		}
	}
}

func TestDiffIsDeterministic(t *testing.T) {
	want := st([]string{"a:r1,r2", "b:r2", "c:"}, []string{"r1:Search@default.x,Query@default.y", "r2:Insert@*.*"}, []string{"g1:Query", "g2:Search"})
	live := st(append(builtinUsers, "z:", "y:r9"), append(builtinRoles, "r9:Delete@*.*"), nil)
	var first string
	for i := 0; i < 20; i++ {
		p, err := Diff(&spec.Spec{Mode: spec.ModeAuthoritative, State: want}, live, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := p.WriteText(&b, TextOptions{SpecName: "a.yaml"}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = b.String()
		} else if b.String() != first {
			t.Fatalf("run %d differs:\n%s\n---\n%s", i, first, b.String())
		}
	}
}
