package milvus

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
)

// transportCause is why a call got no answer. It is read once (classify) and serves both the
// retry policy (transient) and the hints (Hint), so that the two cannot disagree about what
// an error is.
type transportCause int

const (
	// causeOther is any other failure: the connection dropped or was reset mid-call.
	causeOther transportCause = iota
	causeCanceled
	// causeDeadline: the run passed Config.Deadline (ErrDeadline).
	causeDeadline
	causeRefused
	causeUnknownCA
	causeHostname
	causeCertInvalid
	// causeNotTLS: https:// to a server that answers in plain HTTP.
	causeNotTLS
	causeNoSuchHost
	// causeDNS: a DNS failure other than "no such host" (a timeout, a server failure).
	causeDNS
	// causeDial: the connection could not be made (the request never left).
	causeDial
	// causeDialTimeout: no connection within the timeout (the request never left).
	causeDialTimeout
	// causeTimeout: no answer within the timeout.
	causeTimeout
)

// transportPolicy is what follows from a cause: whether a call that failed of it is tried again,
// whether the server may have acted on it (see the retry policy in retry.go), and the hint for
// the user ("" for none).
type transportPolicy struct {
	retry, ambiguous bool
	hint             func(te *TransportError) string
}

// transportPolicies is the policy of every cause.
var transportPolicies = map[transportCause]transportPolicy{
	causeOther:    {retry: true, ambiguous: true},
	causeCanceled: {},
	causeDeadline: {retry: true, ambiguous: true, hint: func(*TransportError) string {
		return "the run took longer than its deadline: raise --deadline, or check why calls are slow"
	}},
	causeRefused: {retry: true, hint: func(te *TransportError) string {
		return fmt.Sprintf("is Milvus running at %s? set --uri or MILVUS_URI", te.URI)
	}},
	causeUnknownCA: {hint: func(*TransportError) string {
		return "the server's certificate is signed by an unknown authority: pass its CA certificate with --ca-cert"
	}},
	causeHostname: {hint: func(te *TransportError) string {
		return "the server's certificate is not valid for " + te.Host + ": use a host name the certificate names in --uri"
	}},
	causeCertInvalid: {hint: func(*TransportError) string {
		return "the server's certificate is not valid (expired, or not for server use): fix the certificate or pass the right CA with --ca-cert"
	}},
	causeNotTLS: {hint: func(*TransportError) string {
		return "the server does not speak TLS there: use http:// in --uri"
	}},
	causeNoSuchHost:  {hint: cannotResolve},
	causeDNS:         {retry: true, hint: cannotResolve},
	causeDial:        {retry: true},
	causeDialTimeout: {retry: true, hint: noAnswerInTime},
	causeTimeout:     {retry: true, ambiguous: true, hint: noAnswerInTime},
}

func cannotResolve(te *TransportError) string {
	return "cannot resolve " + te.Host + ": check the host in --uri or MILVUS_URI"
}

func noAnswerInTime(te *TransportError) string {
	return fmt.Sprintf("no answer in time: check that %s is reachable and healthy, or raise the timeout", te.URI)
}

// classify reads the cause of a transport failure.
func classify(err error) transportCause {
	var (
		unknownCA x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		invalid   x509.CertificateInvalidError
		record    tls.RecordHeaderError
		dnsErr    *net.DNSError
		opErr     *net.OpError
		netErr    net.Error
	)
	timeout := errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout())
	switch {
	case errors.Is(err, context.Canceled):
		return causeCanceled
	case errors.Is(err, ErrDeadline):
		return causeDeadline
	case errors.Is(err, syscall.ECONNREFUSED):
		return causeRefused
	case errors.As(err, &unknownCA):
		return causeUnknownCA
	case errors.As(err, &hostErr):
		return causeHostname
	case errors.As(err, &invalid):
		return causeCertInvalid
	case errors.As(err, &record), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return causeNotTLS
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return causeNoSuchHost
	case errors.As(err, &dnsErr):
		return causeDNS
	case errors.As(err, &opErr) && opErr.Op == "dial" && timeout:
		return causeDialTimeout
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return causeDial
	case timeout:
		return causeTimeout
	}
	return causeOther
}

// policy is the transport policy of te.
func (te *TransportError) policy() transportPolicy { return transportPolicies[classify(te.Err)] }
