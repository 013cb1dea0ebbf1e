package release

import (
	"testing"

	"github.com/milvus-rbac/milvus-rbac/privilege"
)

func TestParse(t *testing.T) {
	tests := map[string]struct {
		in   string
		want Version
		err  bool
	}{
		"patch":        {in: "2.5.27", want: V(2, 5, 27)},
		"v prefix":     {in: "v2.6.4", want: V(2, 6, 4)},
		"line only":    {in: "2.6", want: V(2, 6, 0)},
		"suffix":       {in: "2.6.4-hotfix", want: V(2, 6, 4)},
		"build suffix": {in: " 2.5.10+build ", want: V(2, 5, 10)},
		"major only":   {in: "2", err: true},
		"words":        {in: "latest", err: true},
		"negative":     {in: "2.-1.0", err: true},
		"empty part":   {in: "2..1", err: true},
		"four parts":   {in: "2.5.1.1", err: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Parse(tc.in)
			if (err != nil) != tc.err {
				t.Fatalf("Parse(%q) error %v, want error %v", tc.in, err, tc.err)
			}
			if got != tc.want {
				t.Errorf("Parse(%q) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestSinceHas(t *testing.T) {
	backported := since("2.5.25", "2.6.8")
	tests := map[string]struct {
		s    Since
		v    string
		want bool
	}{
		"before on its line":      {since("2.4.16"), "2.4.15", false},
		"first on its line":       {since("2.4.16"), "2.4.16", true},
		"later line":              {since("2.4.16"), "2.5.0", true},
		"much later":              {since("2.4.16"), "3.0.0", true},
		"older line":              {since("2.6.8"), "2.5.27", false},
		"backport before":         {backported, "2.5.24", false},
		"backport":                {backported, "2.5.25", true},
		"between lines, too old":  {backported, "2.6.7", false},
		"between lines, has it":   {backported, "2.6.8", true},
		"line older than all":     {backported, "2.4.18", false},
		"next major":              {backported, "3.0.0", true},
		"unknown later minor":     {since("2.6.19"), "2.7.0", true},
		"same line, newer patch":  {since("2.6.19"), "2.6.30", true},
		"same line, older patch":  {since("2.6.19"), "2.6.18", false},
		"older major line":        {since("3.0.2"), "2.6.19", false},
		"first of a newer major":  {since("3.0.2"), "3.0.1", false},
		"behaviour of next major": {since("3.0.2"), "3.1.0", true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tc.s.Has(MustParse(tc.v)); got != tc.want {
				t.Errorf("Since{%s}.Has(%s) = %v, want %v", tc.s, tc.v, got, tc.want)
			}
		})
	}
}

// TestTableOrder: Table[b] describes b, so that Has and String index it directly.
func TestTableOrder(t *testing.T) {
	if len(Table) != int(behaviourCount) {
		t.Fatalf("Table has %d rows, want %d", len(Table), behaviourCount)
	}
	names := map[string]bool{}
	for i, r := range Table {
		if int(r.Behaviour) != i {
			t.Errorf("Table[%d] is %s", i, r.Behaviour)
		}
		if r.Name == "" || names[r.Name] || len(r.Since) == 0 || r.Evidence == "" {
			t.Errorf("row %d: empty or repeated name, no Since or no evidence: %+v", i, r)
		}
		names[r.Name] = true
	}
}

// TestProfiles: the releases of the test matrix, behaviour by behaviour.
func TestProfiles(t *testing.T) {
	tests := map[string]struct {
		era    Era
		groups privilege.Version
		limit  int
		has    []Behaviour
	}{
		"2.4.15": {E1, privilege.V2_5, 65535, nil},
		"2.4.17": {E1, privilege.V2_5, 65535, []Behaviour{PrivilegeGroups}},
		"2.4.18": {E1, privilege.V2_5, 65535, []Behaviour{PrivilegeGroups, GrantV2, GroupTypeCheck}},
		"2.5.3":  {E1, privilege.V2_5, 65535, []Behaviour{PrivilegeGroups, GrantV2, GroupTypeCheck}},
		"2.5.4":  {E1, privilege.V2_5, 65535, []Behaviour{PrivilegeGroups, GrantV2, GroupTypeCheck, GroupLevelCheck}},
		"2.5.27": {E1, privilege.V2_5, 65535, []Behaviour{PrivilegeGroups, GrantV2, GroupTypeCheck, GroupLevelCheck}},
		"2.6.4":  {E1, privilege.V2_6_0, 65535, []Behaviour{PrivilegeGroups, GrantV2, GroupTypeCheck, GroupLevelCheck, DottedUserNames, NameAllowedChars}},
		"2.6.1":  {E1, privilege.V2_6_0, 65535, []Behaviour{PrivilegeGroups, GrantV2, GroupTypeCheck, GroupLevelCheck, DottedUserNames}},
		"2.6.2":  {E1, privilege.V2_6_0, 65535, []Behaviour{PrivilegeGroups, GrantV2, GroupTypeCheck, GroupLevelCheck, DottedUserNames, NameAllowedChars}},
		"2.6.11": {E2, privilege.V2_6_6, 65535, []Behaviour{PrivilegeGroups, GrantV2, GroupTypeCheck, GroupLevelCheck, DottedUserNames, WALErrors, NameAllowedChars}},
		"2.6.12": {E2, privilege.V2_6, 65535, []Behaviour{PrivilegeGroups, GrantV2, GroupTypeCheck, GroupLevelCheck, DottedUserNames, WALErrors, ResolveAliasInGrants, NameAllowedChars, GrantsFollowCollections}},
		"2.6.13": {E2, privilege.V2_6, 65535, []Behaviour{PrivilegeGroups, GrantV2, GroupTypeCheck, GroupLevelCheck, DottedUserNames, ExactUserRoleLookup, WALErrors, ResolveAliasInGrants, NameAllowedChars, GrantsFollowCollections}},
		"2.6.19": {E3, privilege.V2_6, 9, []Behaviour{PrivilegeGroups, GrantV2, GroupTypeCheck, GroupLevelCheck, DottedUserNames, ExactUserRoleLookup, WALErrors, ResolveAliasInGrants, StandardErrors, Descriptions, EmptyGrantKeysSkipped, NameAllowedChars, GrantsFollowCollections}},
		"3.0.0":  {E3, privilege.V3_0, 9, []Behaviour{PrivilegeGroups, GrantV2, GroupTypeCheck, GroupLevelCheck, DottedUserNames, ExactUserRoleLookup, WALErrors, ResolveAliasInGrants, StandardErrors, Descriptions, EmptyGrantKeysSkipped, NameAllowedChars, GrantsFollowCollections}},
	}
	for v, tc := range tests {
		t.Run(v, func(t *testing.T) {
			p := For(MustParse(v))
			if p.Era() != tc.era || p.Groups() != tc.groups || p.LimitCode() != tc.limit {
				t.Errorf("era %s groups %s limit %d, want %s %s %d", p.Era(), p.Groups(), p.LimitCode(), tc.era, tc.groups, tc.limit)
			}
			want := map[Behaviour]bool{}
			for _, b := range tc.has {
				want[b] = true
			}
			for b := range behaviourCount {
				if p.Has(b) != want[b] {
					t.Errorf("Has(%s) = %v", b, p.Has(b))
				}
			}
		})
	}
}

func TestSupported(t *testing.T) {
	if err := Supported(V(2, 4, 2)); err == nil {
		t.Error("2.4.2 supported")
	}
	if err := Supported(V(2, 4, 3)); err != nil {
		t.Error(err)
	}
}
