package problem

import (
	"errors"
	"fmt"
	"testing"

	"github.com/hashicorp/go-multierror"
)

func TestFormat(t *testing.T) {
	cases := map[string]struct {
		errs []error
		want string
	}{
		"one error is itself": {
			errs: []error{errors.New("create role a: quota exceeded")},
			want: "create role a: quota exceeded",
		},
		"several are a list, multi-line ones indented": {
			errs: []error{errors.New("a"), errors.New("b:\nmore")},
			want: "2 problems:\n  - a\n  - b:\n    more",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var list *multierror.Error
			for _, e := range tc.errs {
				list = Append(list, e)
			}
			if got := list.Error(); got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
			// Wrapped once, the list keeps its layout (fmt.Errorf formats it at once).
			if got := fmt.Errorf("apply x: %w", list.ErrorOrNil()).Error(); got != "apply x: "+tc.want {
				t.Errorf("wrapped = %q", got)
			}
		})
	}
	ps := Problems{{File: "p.yaml", Line: 3, Path: "rules[0]", Message: "m1"}, {File: "p.yaml", Message: "m2"}}
	if got, want := ps.Error(), "2 problems:\n  - p.yaml:3: rules[0]: m1\n  - p.yaml: m2"; got != want {
		t.Errorf("Problems.Error() = %q, want %q", got, want)
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"Delete", "DropCollection", "Search"}
	for in, want := range map[string]string{"Delet": "Delete", "serch": "Search", "Insert": "", "Search": ""} {
		if got := Suggest(in, names); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", in, got, want)
		}
	}
	if got := DidYouMean("Delet", names); got != ` (did you mean "Delete"?)` {
		t.Errorf("DidYouMean = %q", got)
	}
}
