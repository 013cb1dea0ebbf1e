// Package apply carries out a plan.Plan against a Cluster, the interface it defines for the
// mutations it needs: phase by phase, steps of one phase concurrently, skipping every step
// whose prerequisite failed, collecting every failure. It decides nothing about what to change;
// package plan does.
package apply
