// Package apply carries out a plan.Plan against a Cluster, the interface it defines for the
// mutations it needs: phase by phase, steps of one phase concurrently, skipping every step
// whose prerequisite failed, collecting every failure. Before that, Preflight says which
// privileges the connecting user lacks for the plan's steps (plan.Step.Need), by the access
// model of the live state, so that a caller can refuse before the first call. It decides
// nothing about what to change; package plan does.
package apply
