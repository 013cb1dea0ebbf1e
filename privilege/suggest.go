package privilege

// Singles are the names of single privileges: every known name but "*", "All", the built-in groups
// and the v1 groups. Suggestions for a mistyped privilege come from it wherever a single
// privilege is typed (a group's members, a deny rule, access --can).
func Singles() []string {
	var out []string
	for _, n := range Names() {
		if n != Wildcard && n != "All" && !IsBuiltinGroup(n) && !IsLegacyGroup(n) {
			out = append(out, n)
		}
	}
	return out
}
