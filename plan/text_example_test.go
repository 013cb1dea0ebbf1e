package plan

import (
	"os"

	"github.com/milvus-rbac/milvus-rbac/spec"
)

func ExamplePlan_WriteText() {
	want := st([]string{"alice:reader"}, []string{"reader:search_only@default.books,Load@sales.orders"}, []string{"search_only:Query,Search"})
	live := st(append(builtinUsers, "bob:reader,legacy"), append(builtinRoles, "legacy:Insert@*.*"), nil)
	want.Users["bob"] = &spec.User{Name: "bob", Roles: []string{"reader"}}
	p, _ := Diff(&spec.Spec{Mode: spec.ModeAuthoritative, State: want}, live, Options{})
	p.WriteText(os.Stdout, TextOptions{SpecName: "access.yaml"})
	// Output:
	// milvus-rbac will perform the following actions (mode authoritative):
	//
	//   + create privilege group search_only
	//       + add privileges Query, Search
	//
	//   - drop role legacy
	//       - revoke Insert on *.*
	//
	//   + create role reader
	//       + grant search_only on default.books
	//       + grant Load on sales.orders
	//
	//   + create user alice with password = (sensitive)
	//       + grant role reader
	//
	//   ~ change user bob
	//       - revoke role legacy
	//
	// Warning: 3 destructive step(s) revoke access or drop objects (marked -).
	// Plan: 3 to create, 4 to grant, 2 to revoke, 1 to drop.
}
