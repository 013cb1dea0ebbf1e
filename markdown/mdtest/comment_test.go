package mdtest

import (
	"strings"
	"testing"
)

// TestCheckCommentCatchesWhatReviewersMissed feeds CheckComment the faults the markdown
// plan used to have: each must be reported, and a comment without them must pass.
func TestCheckCommentCatchesWhatReviewersMissed(t *testing.T) {
	const head = "### milvus-rbac plan for `access.yaml`: 0 to create, 0 to grant, 1 to revoke, 1 to drop\n\n"
	good := head + "**⚠ 2 destructive step(s)** (revoke access or drop objects):\n\n" +
		"- `-` revoke `ClusterAdmin` on `*.*` from role `legacy`\n- `-` drop role `legacy`\n\n" +
		"Note: user oncall keeps role platform\\_admin: it is the user milvus-rbac connects as\n\n" +
		"<details><summary>Full plan (2 steps)</summary>\n\n```diff\n- drop role legacy\n-     revoke ClusterAdmin on *.*\n```\n\n</details>\n"
	if _, problems := CheckComment(good); len(problems) > 0 {
		t.Fatalf("a good comment fails:\n%s", strings.Join(problems, "\n"))
	}
	cases := map[string]struct{ md, want string }{
		"a pattern renders as emphasis": {
			md:   head + "- `-` revoke ClusterAdmin on *.* from role legacy\n",
			want: "unexpected <em>",
		},
		"a note joins the destructive list": {
			md:   head + "**⚠ 1 destructive step(s)** (revoke access or drop objects):\n\n- `-` drop role `legacy`\n- user oncall keeps role platform_admin\n",
			want: "not a destructive step",
		},
		"the unmanaged note joins the access list": {
			md:   head + "**Effective access changes**\n\n- `bob` loses `Delete` on `default.*`\n- Unmanaged (not in the file, left alone in mode adopt): users eve.\n",
			want: "a note inside a list",
		},
		"a note written right after a list, as its lazy continuation": {
			md:   head + "- `bob` loses `Delete` on `default.*`\nNote: user oncall keeps role admin\n",
			want: "a note inside a list",
		},
		"a backquote in a name opens a code span": {
			md:   head + "- `bob` loses `Delete` on `a`b` via role `r`\n",
			want: "a code span the text did not ask for",
		},
		"underscores in a name render as bold": {
			md:   head + "- drop role __init__\n",
			want: "unexpected bold",
		},
		"the access changes before the destructive steps": {
			md:   head + "**Effective access changes**\n\n- `bob` loses `Delete` on `default.*`\n\n**⚠ 1 destructive step(s)** (revoke access or drop objects):\n\n- `-` drop role `legacy`\n",
			want: "destructive comes after access",
		},
		"no summary heading": {
			md:   "**⚠ 1 destructive step(s)**\n",
			want: "does not start with the summary heading",
		},
	}
	for name, tc := range cases {
		_, problems := CheckComment(tc.md)
		if !strings.Contains(strings.Join(problems, "\n"), tc.want) {
			t.Errorf("%s: problems %q lack %q", name, problems, tc.want)
		}
	}
}
