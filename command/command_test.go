package command

import (
	"strings"
	"testing"
	"time"
)

func TestConnectionCheck(t *testing.T) {
	ok := Connection{Concurrency: 16, Timeout: 30 * time.Second, Retries: 3}
	cases := map[string]struct {
		change func(*Connection)
		want   string // "" when valid
	}{
		"the defaults":        {func(*Connection) {}, ""},
		"no retries is valid": {func(c *Connection) { c.Retries = 0 }, ""},
		"negative retries":    {func(c *Connection) { c.Retries = -1 }, "--retries -1: give 0 (never retry) or more"},
		"no concurrency":      {func(c *Connection) { c.Concurrency = 0 }, "--concurrency 0: give 1 or more calls at once"},
		"no timeout":          {func(c *Connection) { c.Timeout = 0 }, "--timeout 0s: give a duration above 0"},
		"negative deadline":   {func(c *Connection) { c.Deadline = -time.Second }, "--deadline -1s"},
		"negative rate":       {func(c *Connection) { c.Rate = -1 }, "--rate -1"},
		"two at once": {func(c *Connection) { c.Retries, c.Concurrency = -1, 0 },
			"2 problems:\n  - --concurrency 0: give 1 or more calls at once\n  - --retries -1"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := ok
			tc.change(&c)
			err := c.check()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("check = %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("check = %v, want %q", err, tc.want)
			}
		})
	}
}
