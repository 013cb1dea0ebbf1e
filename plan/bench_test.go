package plan

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/spec"
)

// Size of the large case of issue 5.
const (
	benchUsers  = 5000
	benchRoles  = 300
	benchGrants = 20 // per role
)

var benchPrivileges = []string{"Query", "Search", "Insert", "Delete", "Upsert"}

func benchRoleName(j int) string { return fmt.Sprintf("role_%03d", j) }

func benchRoleGrants(j int) []spec.Grant {
	out := make([]spec.Grant, benchGrants)
	for k := range out {
		out[k] = spec.NewGrant(benchPrivileges[k%len(benchPrivileges)], "default",
			fmt.Sprintf("coll_%03d_%02d", j, k/len(benchPrivileges)))
	}
	return spec.SortGrants(out)
}

// benchLargeStates builds the large case in memory: the desired state of 5,000 users (two roles
// each), 300 roles and 20 grants per role, and a live state that differs from it in about 10% of
// its objects, in every way a diff has to notice:
//
//   - 250 users missing (created with their roles), 250 holding one wrong role (a grant and a
//     revoke each), 250 unlisted users (unmanaged in adopt, dropped in authoritative);
//   - 15 roles missing (created with their grants), 15 with one grant missing and one extra,
//     15 unlisted roles with grants (unmanaged, or revoked and dropped).
func benchLargeStates() (want, live *spec.State) {
	want, live = spec.NewState(), spec.NewState()
	live.Users[spec.RootUser] = &spec.User{Name: spec.RootUser}
	live.Roles[spec.AdminRole] = &spec.Role{Name: spec.AdminRole}
	live.Roles[spec.PublicRole] = &spec.Role{Name: spec.PublicRole, Grants: spec.SortGrants([]spec.Grant{
		spec.NewGrant("DescribeCollection", "*", "*"), spec.NewGrant("ListAliases", "*", "*"), spec.NewGrant("IndexDetail", "*", "*"),
	})}
	for j := range benchRoles {
		name := benchRoleName(j)
		grants := benchRoleGrants(j)
		want.Roles[name] = &spec.Role{Name: name, Grants: grants}
		switch j % 20 {
		case 0: // missing
		case 1: // one grant missing, one extra
			lg := append([]spec.Grant{spec.NewGrant("Delete", "default", "old")}, grants[1:]...)
			live.Roles[name] = &spec.Role{Name: name, Grants: spec.SortGrants(lg)}
		default:
			live.Roles[name] = &spec.Role{Name: name, Grants: append([]spec.Grant(nil), grants...)}
		}
	}
	for j := range benchRoles / 20 {
		name := fmt.Sprintf("legacy_%03d", j)
		live.Roles[name] = &spec.Role{Name: name, Grants: benchRoleGrants(benchRoles + j)[:5]}
	}
	secret := &spec.Secret{Env: "BENCH_PASSWORD"}
	for i := range benchUsers {
		name := fmt.Sprintf("user_%05d", i)
		roles := spec.SortNames([]string{benchRoleName(i % benchRoles), benchRoleName((i + 1) % benchRoles)})
		want.Users[name] = &spec.User{Name: name, Roles: roles, Password: secret}
		switch i % 20 {
		case 0: // missing
		case 1: // one wrong role
			wrong := spec.SortNames([]string{benchRoleName(i % benchRoles), benchRoleName((i + 2) % benchRoles)})
			live.Users[name] = &spec.User{Name: name, Roles: wrong}
		default:
			live.Users[name] = &spec.User{Name: name, Roles: append([]string(nil), roles...)}
		}
	}
	for i := range benchUsers / 20 {
		name := fmt.Sprintf("other_%05d", i)
		live.Users[name] = &spec.User{Name: name, Roles: []string{benchRoleName(i % benchRoles)}}
	}
	return want, live
}

// BenchmarkDiffLarge is the pure diff of the large case (no network): issue 5's goal is under
// 100 ms and under 200 MB of peak memory per plan. Besides ns/op and -benchmem's B/op and
// allocs/op it reports steps (the plan's size), inputs-MB (the heap holding both states) and
// peak-heap-MB: the heap at the end of one Diff run with the collector off, so that nothing it
// allocated is freed; with the collector on the real peak can only be lower.
func BenchmarkDiffLarge(b *testing.B) {
	for _, mode := range []spec.Mode{spec.ModeAdopt, spec.ModeAuthoritative} {
		b.Run(string(mode), func(b *testing.B) {
			want, live := benchLargeStates()
			s := &spec.Spec{Version: 1, Mode: mode, State: want}
			diff := func() *Plan {
				p, err := Diff(s, live, Options{ConnectedUser: spec.RootUser})
				if err != nil {
					b.Fatal(err)
				}
				return p
			}
			inputs, peak := heapAround(func() { diff() })
			p := diff()
			if p.Empty() {
				b.Fatal("the plan of the large case is empty")
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				diff()
			}
			b.ReportMetric(float64(len(p.Steps)), "steps")
			b.ReportMetric(float64(inputs)/(1<<20), "inputs-MB")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}

// heapAround runs f once with the garbage collector off and returns the heap before (after a
// collection: what is live) and after it.
func heapAround(f func()) (before, after uint64) {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	before = m.HeapAlloc
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	f()
	runtime.ReadMemStats(&m)
	return before, m.HeapAlloc
}

// BenchmarkDiffDropsMany is authoritative mode taking a cluster of 5,000 listed users down to
// the file: 300 unlisted roles and 10 unlisted privilege groups to drop. Deciding whether each
// can be dropped looks for holders among the users and roles, which is where a diff can turn
// quadratic in the size of the cluster.
func BenchmarkDiffDropsMany(b *testing.B) {
	want, live := spec.NewState(), spec.NewState()
	live.Users[spec.RootUser] = &spec.User{Name: spec.RootUser}
	live.Roles[spec.AdminRole] = &spec.Role{Name: spec.AdminRole}
	live.Roles[spec.PublicRole] = &spec.Role{Name: spec.PublicRole}
	secret := &spec.Secret{Env: "BENCH_PASSWORD"}
	for i := range benchUsers {
		name := fmt.Sprintf("user_%05d", i)
		want.Users[name] = &spec.User{Name: name, Password: secret}
		live.Users[name] = &spec.User{Name: name}
	}
	for j := range benchRoles {
		name := fmt.Sprintf("legacy_%03d", j)
		live.Roles[name] = &spec.Role{Name: name}
	}
	for g := range 10 {
		name := fmt.Sprintf("legacy_group_%02d", g)
		live.Groups[name] = &spec.PrivilegeGroup{Name: name, Privileges: []string{"Query"}}
	}
	s := &spec.Spec{Version: 1, Mode: spec.ModeAuthoritative, State: want}
	b.ReportAllocs()
	var p *Plan
	for b.Loop() {
		var err error
		if p, err = Diff(s, live, Options{ConnectedUser: spec.RootUser}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(p.Steps)), "steps")
}
