// Package plan owns the plan: the typed steps that take a live cluster to the desired state of
// a spec file (Diff), their fixed execution order, what the cluster would hold after them
// (Simulate) and so how they change effective access (AccessModels), and their renderings for
// people and machines. It is pure: it reads no file, calls no cluster and resolves no secret; a
// Plan is data, and rendering never feeds back into planning.
package plan
