package milvus

import (
	"net"
	"net/url"
	"strings"
)

// ClusterID identifies the cluster a URI points at, for comparing a saved plan's cluster
// with the one at hand: scheme and host lower-cased, the port made explicit (80 for http, 443
// for https), the path without a trailing / or the REST base path, and every loopback host
// (localhost, 127.0.0.0/8, ::1) written "loopback": on one machine they reach the same
// server. It returns the URI as given when it does not parse.
func ClusterID(uri string) string {
	_, u, err := parseURI(uri)
	if err != nil {
		return uri
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if isLoopback(host) {
		host = "loopback"
	}
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	id := url.URL{Scheme: strings.ToLower(u.Scheme), Host: net.JoinHostPort(host, port), Path: u.Path}
	return id.String()
}

// SameCluster reports whether URIs a and b point at the same cluster (ClusterID).
func SameCluster(a, b string) bool { return ClusterID(a) == ClusterID(b) }
