package milvus

import "testing"

// TestEveryTransportCauseHasAPolicy fails when a cause is added without its line in the table
// that both the retry policy and the hints read.
func TestEveryTransportCauseHasAPolicy(t *testing.T) {
	for c := causeOther; c <= causeTimeout; c++ {
		if _, ok := transportPolicies[c]; !ok {
			t.Errorf("cause %d has no policy", c)
		}
	}
	if len(transportPolicies) != int(causeTimeout)+1 {
		t.Errorf("%d policies for %d causes", len(transportPolicies), int(causeTimeout)+1)
	}
}
