// Package access owns the effective-access model: from a spec.State (desired or live) it
// computes what each user can do, as entries (privilege, database, object) each with the paths
// that give it (user → role → grant → group → nested group), answers "who can P on D.C" and
// "can U do P on D.C", and compares two models into a per-user delta (gained and lost
// privileges, summarised per grant, with privilege escalations flagged).
//
// The matching follows Milvus's own privilege check, not a reading of its documentation:
//
//   - rootcoord's ListPolicy expands every grant before the proxy sees it
//     (expandPrivilegeGroups): a built-in or custom group becomes one policy per member; the
//     object type of each policy is derived from the privilege name (util.GetObjectType), not
//     taken from the stored grant; Global-type policies get object "*".
//   - the proxy's casbin matcher (internal/proxy/privilege_interceptor.go) then allows a
//     request (objectType, "<db>.<object>", privilege) when, for one of the user's roles plus
//     public: the object type is equal, database and object glob-match and the privilege is
//     equal or "*"; or the role is admin; or the databases are exactly equal and the policy is
//     All (any privilege) or a v1 group ReadOnly/ReadWrite/Admin holding the privilege.
//   - root passes every check, unless the server binds root to roles; a user may always
//     select and update its own user object.
//
// How a request is matched, by the object type of its privilege (privilege.ObjectType):
//
//   - Collection-type (Insert on sales.orders; object "Collection-sales.orders"): a policy of
//     a Collection-type privilege, granted alone or as a group member, on database sales or
//     "*" and collection orders or "*"; All on exactly sales; a v1 group on exactly sales
//     naming orders or "*"; admin. Not "*" (stored Global) and no Global-type privilege.
//   - Global-type (CreateCollection in sales; object "Global-sales.<name or *>"): a policy
//     of that privilege, or "*", on database sales or "*" (its object is always "*"); All on
//     exactly sales; admin. A cluster-level privilege granted on one database is thus checked
//     against the database the request names ("default" when none).
//   - User-type (UpdateUser on bob; object "User-<request db>.bob"): a policy of that
//     privilege on the request's database or "*" and user bob or "*"; All on exactly that
//     database; admin; and bob himself.
//
// Cases the code leaves open are reported in the output as "uncertain: ..." notes rather than
// guessed. Rendering (render.go) is separate from computing and never feeds back into it; a
// delta is rendered through its compact form (Compress, fold.go), in which a change that many
// users share is said once and escalations are never folded.
//
// This package reads no file and calls no cluster: callers hand it states. It does not decide
// what a plan does (package plan does), nor which rules a policy enforces (package policy).
package access
