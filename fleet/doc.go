// Package fleet runs plan, apply, drift and check over many clusters in one run: it reads a
// targets file (each target a cluster, the environment variable of its token, its spec files,
// overlays and template variables, and its own connection settings), runs the command-level
// function of package command for each target concurrently (a bounded number at once, each
// with its own connection and output buffers, so that one target's failure never stops or
// corrupts another), and writes one report: a section per target and a summary table, in
// text, markdown (one pull-request comment within GitHub's size cap) or JSON.
//
// It owns the targets file and the report; it must not plan, apply or talk to a cluster
// itself: everything a single run does, it does through package command.
package fleet
