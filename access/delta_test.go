package access

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/milvus-rbac/milvus-rbac/spec"
)

// changeLine renders a change for comparison: "+ summary [⚠ reason]".
func changeLine(sign string, c Change) string {
	s := sign + " " + c.Summary
	if c.Escalation {
		s += " ⚠ " + c.Reason
	}
	return s
}

func deltaLines(ds []UserDelta) []string {
	out := []string{}
	for _, d := range ds {
		head := d.User
		switch {
		case d.Created:
			head += " (created)"
		case d.Dropped:
			head += " (dropped)"
		}
		if d.Escalation {
			head += " ⚠"
		}
		out = append(out, head)
		for _, c := range d.Gained {
			out = append(out, changeLine("+", c))
		}
		for _, c := range d.Lost {
			out = append(out, changeLine("-", c))
		}
	}
	return out
}

func TestDelta(t *testing.T) {
	type side struct{ users, roles, groups []string }
	cases := map[string]struct {
		before, after side
		want          []string
	}{
		"no change": {
			before: side{users: []string{"u:w"}, roles: []string{"w:CollectionReadWrite@sales.*"}},
			after:  side{users: []string{"u:w"}, roles: []string{"w:CollectionReadWrite@sales.*"}},
			want:   []string{},
		},
		"a path that changes is no change": {
			before: side{users: []string{"u:a"}, roles: []string{"a:Insert@sales.*"}},
			after:  side{users: []string{"u:b"}, roles: []string{"b:Insert@sales.*"}},
			want:   []string{},
		},
		"read-only to read-write is summarised as the 13 privileges it adds": {
			before: side{users: []string{"u:w"}, roles: []string{"w:CollectionReadOnly@sales.*"}},
			after:  side{users: []string{"u:w"}, roles: []string{"w:CollectionReadWrite@sales.*"}},
			want: []string{
				"u",
				"+ CollectionReadWrite on sales.* (13 privileges) via role w",
			},
		},
		"a single privilege out of a group names the group": {
			before: side{users: []string{"u:w"}, roles: []string{"w:CollectionReadWrite@sales.*"}},
			after:  side{users: []string{"u:w"}, roles: []string{"w:CollectionAdmin@sales.*"}},
			want: []string{
				"u",
				"+ CollectionAdmin on sales.* (2 privileges) via role w",
			},
		},
		"one privilege gained and one lost": {
			before: side{users: []string{"u:w"}, roles: []string{"w:Insert@sales.orders"}},
			after:  side{users: []string{"u:w"}, roles: []string{"w:Delete@sales.orders"}},
			want: []string{
				"u",
				"+ Delete on sales.orders via role w",
				"- Insert on sales.orders via role w",
			},
		},
		"admin is an escalation": {
			before: side{users: []string{"u:"}},
			after:  side{users: []string{"u:admin"}},
			want: []string{
				"u ⚠",
				"+ admin (passes every check: all privileges everywhere) via role admin ⚠ role admin passes every check",
			},
		},
		"a cluster-level group is an escalation, with its user-management privileges named": {
			before: side{users: []string{"u:ops"}, roles: []string{"ops:"}},
			after:  side{users: []string{"u:ops"}, roles: []string{"ops:ClusterAdmin@*.*"}},
			want: []string{
				"u ⚠",
				"+ ClusterAdmin on *.* (24 privileges) via role ops ⚠ ClusterAdmin is a cluster-level privilege group; " +
					"user management: BackupRBAC, CreateOwnership, CreatePrivilegeGroup, DropOwnership, DropPrivilegeGroup, " +
					"ManageOwnership, OperatePrivilegeGroup, RestoreRBAC, UpdateUser",
			},
		},
		"the wildcard privilege is an escalation": {
			before: side{users: []string{"u:r"}, roles: []string{"r:"}},
			after:  side{users: []string{"u:r"}, roles: []string{"r:*@scratch.*"}},
			want: []string{
				"u ⚠",
				"+ * on scratch.* (every Global-type privilege) via role r ⚠ the wildcard privilege * covers every Global-type privilege, user management included",
			},
		},
		"All is an escalation, even where it matches nothing": {
			before: side{users: []string{"u:r"}, roles: []string{"r:"}},
			after:  side{users: []string{"u:r"}, roles: []string{"r:All@sales.*,All@*.*"}},
			want: []string{
				"u ⚠",
				"+ All on *.* (matches no request: All needs an exact database) via role r ⚠ All covers every privilege of a database",
				"+ All on sales.* (every privilege in database sales) via role r ⚠ All covers every privilege of a database",
			},
		},
		"a user-management privilege on its own is an escalation": {
			before: side{users: []string{"u:r"}, roles: []string{"r:"}},
			after:  side{users: []string{"u:r"}, roles: []string{"r:CreateOwnership@default.*,SelectOwnership@*.*"}},
			want: []string{
				"u ⚠",
				"+ SelectOwnership on *.* via role r",
				"+ CreateOwnership on default.* via role r ⚠ user management: CreateOwnership",
			},
		},
		"losing admin is no escalation": {
			before: side{users: []string{"u:admin"}},
			after:  side{users: []string{"u:"}},
			want: []string{
				"u",
				"- admin (passes every check: all privileges everywhere) via role admin",
			},
		},
		"a custom group grant is summarised; a changed member shows alone": {
			before: side{users: []string{"u:r"}, roles: []string{"r:search@default.books"}, groups: []string{"search:Query"}},
			after:  side{users: []string{"u:r"}, roles: []string{"r:search@default.books"}, groups: []string{"search:Query,Search"}},
			want: []string{
				"u",
				"+ Search on default.books through search via role r",
			},
		},
		"a created user gains public's automatic grants as one change": {
			before: side{},
			after:  side{users: []string{"new:w"}, roles: []string{"w:Insert@default.books"}},
			want: []string{
				"new (created)",
				"+ public's automatic grants (3 privileges: DescribeCollection, IndexDetail, ListAliases)",
				"+ Insert on default.books via role w",
			},
		},
		"a dropped user loses everything": {
			before: side{users: []string{"old:w"}, roles: []string{"w:Insert@default.books"}},
			after:  side{roles: []string{"w:Insert@default.books"}},
			want: []string{
				"old (dropped)",
				"- public's automatic grants (3 privileges: DescribeCollection, IndexDetail, ListAliases)",
				"- Insert on default.books via role w",
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			b := Compute(st(tc.before.users, tc.before.roles, tc.before.groups), Options{})
			a := Compute(st(tc.after.users, tc.after.roles, tc.after.groups), Options{})
			if d := cmp.Diff(tc.want, deltaLines(Delta(b, a))); d != "" {
				t.Errorf("Delta (-want +got):\n%s", d)
			}
		})
	}
}

// A desired state leaves out the companions of Load (spec.CollapseImplied), a live state lists
// them: the two must compare equal.
func TestDeltaDesiredAgainstLiveCompanions(t *testing.T) {
	desired := st([]string{"u:r"}, []string{"r:Load@default.books"}, nil)
	live := st([]string{"u:r", "root:"}, []string{
		"r:Load@default.books,GetLoadState@default.books,GetLoadingProgress@default.books",
		"admin:", "public:DescribeCollection@*.*,IndexDetail@*.*,ListAliases@*.*",
	}, nil)
	if d := Delta(Compute(live, Options{}), Compute(desired, Options{})); len(d) != 0 {
		t.Errorf("Delta(live, desired) = %v, want none", deltaLines(d))
	}
}

func TestDeltaSummaryListsPrivileges(t *testing.T) {
	b := Compute(st([]string{"u:w"}, []string{"w:CollectionReadOnly@sales.*"}, nil), Options{})
	a := Compute(st([]string{"u:w"}, []string{"w:CollectionReadWrite@sales.*"}, nil), Options{})
	ds := Delta(b, a)
	if len(ds) != 1 || len(ds[0].Gained) != 1 {
		t.Fatalf("Delta = %v", deltaLines(ds))
	}
	want := []string{"Compaction", "CreateIndex", "CreatePartition", "Delete", "DropIndex", "DropPartition",
		"Flush", "Import", "Insert", "Load", "LoadBalance", "Release", "Upsert"}
	if d := cmp.Diff(want, ds[0].Gained[0].Privileges); d != "" {
		t.Errorf("privileges (-want +got):\n%s", d)
	}
}

func TestEscalations(t *testing.T) {
	m := Compute(st([]string{"u:r"}, []string{"r:ClusterReadOnly@*.*,Insert@default.*"}, nil), Options{})
	es := m.Escalations("u")
	if len(es) != 1 || es[0].Privilege != "ClusterReadOnly" || !strings.Contains(es[0].Reason, "cluster-level") {
		t.Errorf("Escalations = %+v", es)
	}
	if es := Compute(st([]string{"u:r"}, []string{"r:Insert@default.*"}, nil), Options{}).Escalations("u"); len(es) != 0 {
		t.Errorf("Escalations of a plain writer = %+v", es)
	}
	if es := Compute(spec.NewState(), Options{}).Escalations("root"); len(es) != 1 {
		t.Errorf("root has no escalation: %+v", es)
	}
}
