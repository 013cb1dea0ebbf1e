package release

import (
	"fmt"
	"strconv"

	"github.com/milvus-rbac/milvus-rbac/privilege"
)

// Behaviour is one way Milvus releases differ, as seen by an RBAC client.
type Behaviour int

// The behaviours of the table. Each is named for what the releases that have it do.
const (
	// PrivilegeGroups: custom privilege groups and the privilege_groups/* routes exist.
	PrivilegeGroups Behaviour = iota
	// GrantV2: roles/grant_privilege_v2 and revoke_privilege_v2 exist, and so do the nine
	// built-in privilege groups.
	GrantV2
	// GroupLevelCheck: a custom group refuses members of different levels (cluster, database,
	// collection), and a v2 grant of a group must suit the group's level (dbName and
	// collectionName "*" for a cluster-level group, ...); before, only mixed object types were
	// refused and groups were granted anywhere.
	GroupLevelCheck
	// DottedUserNames: user names may contain "." and "-".
	DottedUserNames
	// ExactUserRoleLookup: users/describe lists only the user's own roles. Releases without it
	// look role mappings up by key prefix and add one empty role name for every role of every
	// user whose name begins with the described user's name (milvus#46676).
	ExactUserRoleLookup
	// WALErrors: RBAC changes go through the WAL broadcast framework; error messages are
	// reworded ("failed to check if ...") and custom-group level errors use code 1100.
	WALErrors
	// ResolveAliasInGrants: grants and revokes resolve a collection name through the alias
	// cache (proxy.resolveAliasForPrivilege), so a grant needs an existing database and is
	// stored under the collection an alias points at.
	ResolveAliasInGrants
	// StandardErrors: most RBAC input errors carry code 1100, limit errors code 9, and
	// messages carry the whole wrap chain.
	StandardErrors
	// Descriptions: users and roles have descriptions (users/describe and roles/describe
	// answer a "description" key; roles/alter exists).
	Descriptions
	// EmptyGrantKeysSkipped: roles/describe leaves out stored grant keys with an empty
	// segment, left behind by earlier releases (milvus#49989); a key with a database and an
	// empty collection name is still listed.
	EmptyGrantKeysSkipped
	// GroupTypeCheck: a custom group refuses members of different object types; releases with
	// GroupLevelCheck check levels instead, and 2.4.16 and 2.4.17 check neither.
	GroupTypeCheck
	// NameAllowedChars: the name validator (role, object, collection names) takes its extra
	// characters from configuration and says so: "... can only contain numbers, letters,
	// underscores, and allowed characters ($), found . at 3"; before, "... numbers, letters,
	// dollars and underscores, ...".
	NameAllowedChars
	// GrantsFollowCollections: dropping a collection deletes the Collection grants naming it in
	// its database (DeleteGrantByCollectionName), renaming moves them.
	GrantsFollowCollections
	// behaviourCount is the number of behaviours; keep it last.
	behaviourCount
)

// Row is one behaviour of the table: which releases have it and how that was established.
type Row struct {
	Behaviour Behaviour
	// Name is a short stable name, used in messages, JSON and docs/compatibility.md.
	Name string
	// Since is the first release with the behaviour on each line where it arrived.
	Since Since
	// Evidence names the Milvus source and pull requests the row was read from.
	Evidence string
}

// Table holds every behaviour, in the order of the Behaviour constants.
var Table = []Row{
	{PrivilegeGroups, "privilege-groups", since("2.4.16"),
		"privilege_groups/* routes, RegisterRoutesToV2 (handler_v2.go); 2.4 commit #37560, 2.5.0"},
	{GrantV2, "grant-privilege-v2", since("2.4.18"),
		"roles/grant_privilege_v2 and the built-in groups, #37787 (after the v2.4.17 bump), 2.5.0"},
	{GroupLevelCheck, "group-level-check", since("2.5.4"),
		"rbac_task.go: custom group members must share a privilege level; root_coord.go validatePrivilegeGroupParams (#39224, 2.5.4); before, only the object type"},
	{DottedUserNames, "dotted-user-names", since("2.6.0"),
		"proxy/util.go ValidateUsername allows '.' and '-' (commit 1bd66b09e3, before the v2.6.0 bump)"},
	{ExactUserRoleLookup, "exact-user-role-lookup", since("2.6.13"),
		"kv_catalog.go getRolesByUsername: prefix key ends with '/' (#46707 master, #46708 2.6, in the v2.6.8 bump; milvus#46676); " +
			"the etcd and TiKV kv's path.Join stripped that '/' until #48133 (2.6 cherry-pick of #48053, first in the v2.6.13 bump), so 2.6.8-2.6.12 still answer by prefix"},
	{WALErrors, "wal-errors", since("2.6.5"),
		"RBAC DDL on the WAL broadcast framework, #45025 (between the v2.6.4 and v2.6.6 bumps)"},
	{ResolveAliasInGrants, "resolve-alias-in-grants", since("2.6.12"),
		"proxy resolveAliasForPrivilege in OperatePrivilegeV2, #48052 and #48151 (first in the v2.6.12 bump)"},
	{StandardErrors, "standard-errors", since("2.6.19"),
		"merr + Sys/Input classification, #50221 (v2.6.19)"},
	{Descriptions, "descriptions", since("2.6.19"),
		"user descriptions #50186, role descriptions and roles/alter #50184 (v2.6.19)"},
	{EmptyGrantKeysSkipped, "empty-grant-keys-skipped", since("2.6.19"),
		"kv_catalog ListGrant skips keys with an empty segment, #50544 (v2.6.19; milvus#49989)"},
	{GroupTypeCheck, "group-type-check", since("2.4.18"),
		"root_coord.go OperatePrivilegeGroup: 'privileges are not the same object type' (2.4 at the v2.4.18 bump, 2.5.0-2.5.3); not at 2.4.16/2.4.17"},
	{NameAllowedChars, "name-allowed-chars", since("2.6.2"),
		"proxy/util.go validateNameWithCustomChars, proxy.nameValidation.allowedChars, 330a871979 (#44063, first in the v2.6.2 bump)"},
	{GrantsFollowCollections, "grants-follow-collections", since("2.6.12"),
		"kv_catalog.go DeleteGrantByCollectionName and MigrateGrantCollectionName, #48052 (2.6 cherry-pick of #47851, first in the v2.6.12 bump)"},
}

// String is the behaviour's Name.
func (b Behaviour) String() string {
	if b >= 0 && int(b) < len(Table) {
		return Table[b].Name
	}
	return "Behaviour(" + strconv.Itoa(int(b)) + ")"
}

// Oldest is the oldest release the tool supports: from 2.4.3 on, roles/describe honours
// dbName.
var Oldest = V(2, 4, 3)

// Latest is the newest release whose behaviour the table was checked against. Newer releases
// are assumed to behave like it.
var Latest = V(2, 6, 19)

// Era is the style of the errors a release sends.
type Era int

// Eras, oldest first.
const (
	// E1 (2.4.3 to 2.6.4): rootcoord errors are plain Go errors, code 65535.
	E1 Era = iota
	// E2 (2.6.5 to 2.6.18): RBAC changes on the WAL; messages reworded, codes as E1.
	E2
	// E3 (2.6.19 and later, 3.0): code 1100 for input errors, 9 for limits.
	E3
)

// String is "E1", "E2" or "E3".
func (e Era) String() string {
	if e >= E1 && e <= E3 {
		return "E" + strconv.Itoa(int(e)+1)
	}
	return fmt.Sprintf("Era(%d)", int(e))
}

// Profile is what one release does.
type Profile struct {
	// Version is the release.
	Version Version
	has     [behaviourCount]bool
}

// For returns the profile of release v.
func For(v Version) Profile {
	p := Profile{Version: v}
	for _, r := range Table {
		p.has[r.Behaviour] = r.Since.Has(v)
	}
	return p
}

// Has reports whether the release has behaviour b.
func (p Profile) Has(b Behaviour) bool { return b >= 0 && b < behaviourCount && p.has[b] }

// Era is the style of the release's errors.
func (p Profile) Era() Era {
	switch {
	case p.Has(StandardErrors):
		return E3
	case p.Has(WALErrors):
		return E2
	}
	return E1
}

// Groups selects the contents of the built-in privilege groups of the release.
func (p Profile) Groups() privilege.Version {
	v := privilege.V2_5
	for _, g := range GroupContents {
		if p.Version.Compare(g.Releases.Min) >= 0 {
			v = g.Contents
		}
	}
	return v
}

// GroupContents says which releases have which built-in group contents, oldest first: the
// contents changed at 2.6.0 (import privileges), 2.6.6 (UpdateReplicateConfiguration),
// 2.6.12 (GetReplicateConfiguration) and 3.0.0 (snapshots, file resources; RenameCollection
// moves to DatabaseAdmin), read from pkg/util/constant.go at each bump. Releases before
// 2.4.18 have no built-in groups. Since the contents tell the line, Read infers a range of
// releases from them (WithGroups).
var GroupContents = []struct {
	Contents privilege.Version
	Releases Range
}{
	{privilege.V2_5, Range{V(2, 4, 18), V(2, 5, LastPatch)}},
	{privilege.V2_6_0, Range{V(2, 6, 0), V(2, 6, 5)}},
	{privilege.V2_6_6, Range{V(2, 6, 6), V(2, 6, 11)}},
	{privilege.V2_6, Range{V(2, 6, 12), V(2, 6, LastPatch)}},
	{privilege.V3_0, Range{Min: V(3, 0, 0)}},
}

// LimitCode is the code of the error a release sends when the user or role limit is reached.
func (p Profile) LimitCode() int {
	if p.Has(StandardErrors) {
		return 9
	}
	return 65535
}

// Default limits of every release (proxy.maxUserNum counts root; proxy.maxRoleNum counts
// admin, public and the config built-in roles).
const (
	DefaultMaxUsers = 100
	DefaultMaxRoles = 10
)

// Supported says why the tool cannot work with release v, or nil.
func Supported(v Version) error {
	if v.Compare(Oldest) < 0 {
		return fmt.Errorf("Milvus %s is not supported: before %s, roles/describe ignores dbName, so grants outside the default database cannot be read; upgrade to %s or later", v, Oldest, Oldest)
	}
	return nil
}

// Need says which release brings behaviour b, for messages: "Milvus 2.4.16 or later".
func Need(b Behaviour) string {
	s := Table[b].Since
	if len(s) == 1 {
		return "Milvus " + s[0].String() + " or later"
	}
	return "Milvus " + s.String() + " (on each line) or later"
}
