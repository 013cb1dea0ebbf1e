package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/spec"
)

// counted is a state of n users and r roles.
func counted(n, r int) *spec.State {
	s := spec.NewState()
	for i := range n {
		name := fmt.Sprintf("u%d", i)
		s.Users[name] = &spec.User{Name: name}
	}
	for i := range r {
		name := fmt.Sprintf("r%d", i)
		s.Roles[name] = &spec.Role{Name: name}
	}
	return s
}

func TestLimitWarnings(t *testing.T) {
	cases := map[string]struct {
		before, after *spec.State
		want          []string // substrings, one per warning
	}{
		"within the limits":             {counted(3, 3), counted(100, 10), nil},
		"past the role limit":           {counted(3, 3), counted(3, 11), []string{"11 roles (admin and public included), more than 10, the default of proxy.maxRoleNum"}},
		"past both":                     {counted(1, 2), counted(101, 11), []string{"101 users (root included)", "proxy.maxRoleNum"}},
		"already past, not growing":     {counted(150, 20), counted(150, 19), nil},
		"already past and growing more": {counted(150, 20), counted(151, 20), []string{"151 users"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got := LimitWarnings(c.before, c.after)
			if len(got) != len(c.want) {
				t.Fatalf("warnings %q, want %d", got, len(c.want))
			}
			for i, w := range c.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("warning %q lacks %q", got[i], w)
				}
			}
		})
	}
}
