package access

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func lines(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") }

func TestWriteUsersText(t *testing.T) {
	m := Compute(st([]string{"u:r,db_ro"}, []string{"r:CollectionReadOnly@sales.orders,Insert@sales.orders"}, nil), Options{})
	var b bytes.Buffer
	if err := WriteUsersText(&b, m, "u"); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"u (roles: db_ro, r; every user also holds public)",
		"  *.*",
		"    DescribeCollection      role public (every user) → automatic grant DescribeCollection on *.*",
		"    IndexDetail             role public (every user) → automatic grant IndexDetail on *.*",
		"    ListAliases             role public (every user) → automatic grant ListAliases on *.*",
		"  sales.*",
		"    DescribeAlias [1]       role r → grant CollectionReadOnly on sales.orders → group CollectionReadOnly",
		"    DescribeCollection [1]  role r → grant CollectionReadOnly on sales.orders → group CollectionReadOnly",
		"    ListAliases [1]         role r → grant CollectionReadOnly on sales.orders → group CollectionReadOnly",
		"  sales.orders",
		"    GetFlushState           role r → grant CollectionReadOnly on sales.orders → group CollectionReadOnly",
		"    GetLoadState            role r → grant CollectionReadOnly on sales.orders → group CollectionReadOnly",
		"    GetLoadingProgress      role r → grant CollectionReadOnly on sales.orders → group CollectionReadOnly",
		"    GetStatistics           role r → grant CollectionReadOnly on sales.orders → group CollectionReadOnly",
		"    HasPartition            role r → grant CollectionReadOnly on sales.orders → group CollectionReadOnly",
		"    IndexDetail             role r → grant CollectionReadOnly on sales.orders → group CollectionReadOnly",
		"    Insert                  role r → grant Insert on sales.orders",
		"    Query                   role r → grant CollectionReadOnly on sales.orders → group CollectionReadOnly",
		"    Search                  role r → grant CollectionReadOnly on sales.orders → group CollectionReadOnly",
		"    ShowPartitions          role r → grant CollectionReadOnly on sales.orders → group CollectionReadOnly",
		"  [1] " + noteGlobalObject,
		"  uncertain: role db_ro is not in the state, so its grants are unknown (a role the platform creates, such as Zilliz Cloud's db_admin, db_rw, db_ro?)",
		"",
		"Built-in privilege groups: contents of Milvus 2.5.",
	}
	if d := cmp.Diff(want, lines(b.String())); d != "" {
		t.Errorf("WriteUsersText (-want +got):\n%s", d)
	}
}

func TestWriteWhoAndCanText(t *testing.T) {
	m := Compute(st([]string{"ann:admin", "bob:w"}, []string{"w:CollectionReadWrite@sales.*"}, nil), Options{})
	var b bytes.Buffer
	if err := WriteWhoText(&b, m, "Insert", "sales", "orders"); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Who can use Insert on sales.orders (a Collection-type privilege):",
		"  ann   role admin (passes every check)",
		"  bob   role w → grant CollectionReadWrite on sales.* → group CollectionReadWrite",
		"  root  root (passes every check)",
	}
	if d := cmp.Diff(want, lines(b.String())); d != "" {
		t.Errorf("WriteWhoText (-want +got):\n%s", d)
	}

	b.Reset()
	if err := WriteCanText(&b, m, "bob", "CreateCollection", "sales", ""); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "bob cannot use CreateCollection in database sales.\n" {
		t.Errorf("WriteCanText = %q", got)
	}
	b.Reset()
	if err := WriteCanText(&b, m, "bob", "Delete", "sales", ""); err != nil {
		t.Fatal(err)
	}
	want = []string{
		"bob can use Delete on some collection of sales:",
		"  role w → grant CollectionReadWrite on sales.* → group CollectionReadWrite",
	}
	if d := cmp.Diff(want, lines(b.String())); d != "" {
		t.Errorf("WriteCanText (-want +got):\n%s", d)
	}
}

func TestJSONReports(t *testing.T) {
	m := Compute(st([]string{"bob:w"}, []string{"w:Insert@sales.orders"}, nil), Options{})
	var b bytes.Buffer
	if err := WriteJSON(&b, m.UsersReport("bob")); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		FormatVersion string `json:"format_version"`
		BuiltinGroups string `json:"builtin_groups"`
		Users         []struct {
			User    string `json:"user"`
			Entries []struct {
				Privilege string `json:"privilege"`
				Database  string `json:"database"`
				Object    string `json:"object"`
				Match     string `json:"match"`
				Paths     []struct {
					Kind  string `json:"kind"`
					Role  string `json:"role"`
					Grant struct {
						Privilege string `json:"privilege"`
					} `json:"grant"`
				} `json:"paths"`
			} `json:"entries"`
		} `json:"users"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.FormatVersion != FormatVersion || doc.BuiltinGroups != "2.5" || len(doc.Users) != 1 {
		t.Fatalf("report = %s", b.String())
	}
	last := doc.Users[0].Entries[len(doc.Users[0].Entries)-1]
	if last.Privilege != "Insert" || last.Object != "orders" || last.Match != "glob" ||
		last.Paths[0].Kind != "grant" || last.Paths[0].Role != "w" || last.Paths[0].Grant.Privilege != "Insert" {
		t.Errorf("last entry = %+v", last)
	}

	b.Reset()
	if err := WriteJSON(&b, m.WhoReport("Insert", "", "orders")); err != nil {
		t.Fatal(err)
	}
	var who WhoReport
	if err := json.Unmarshal(b.Bytes(), &who); err != nil {
		t.Fatal(err)
	}
	if who.Database != "default" || who.Collection != "orders" || who.ObjectType != "Collection" || len(who.Holders) != 1 || who.Holders[0].User != "root" {
		t.Errorf("who = %+v", who)
	}
}

func TestWriteDelta(t *testing.T) {
	b := Compute(st([]string{"u:w", "v:w"}, []string{"w:CollectionReadOnly@sales.*,Insert@sales.orders"}, nil), Options{})
	a := Compute(st([]string{"u:w", "v:w,admin"}, []string{"w:CollectionReadWrite@sales.*"}, nil), Options{})
	ds := Delta(b, a)

	var buf bytes.Buffer
	if err := WriteDeltaText(&buf, ds); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Effective access changes:",
		"",
		"  user u",
		"      gains CollectionReadWrite on sales.* (13 privileges) via role w",
		"      loses Insert on sales.orders via role w",
		"  user v",
		"    ⚠ gains admin (passes every check: all privileges everywhere) via role admin",
		"        escalation: role admin passes every check",
		"      gains CollectionReadWrite on sales.* (13 privileges) via role w",
		"      loses Insert on sales.orders via role w",
		"",
		"Privileges of the groups named above:",
		"  CollectionReadWrite (13 privileges): Compaction, CreateIndex, CreatePartition, Delete, DropIndex, DropPartition, Flush, Import, Insert, Load, LoadBalance, Release, Upsert",
	}
	if d := cmp.Diff(want, lines(buf.String())); d != "" {
		t.Errorf("WriteDeltaText (-want +got):\n%s", d)
	}

	buf.Reset()
	if err := WriteDeltaMarkdown(&buf, ds); err != nil {
		t.Fatal(err)
	}
	md := lines(buf.String())
	if !strings.HasPrefix(md[0], "- ⚠ **escalation**: `v` gains `admin`") || !strings.HasSuffix(md[0], "— role admin passes every check") {
		t.Errorf("first markdown line is not v's escalation: %q", md[0])
	}
	if !strings.Contains(buf.String(), "- `u` loses `Insert` on `sales.orders` via role `w`") {
		t.Errorf("markdown lacks u's loss:\n%s", buf.String())
	}

	for name, write := range map[string]func(*bytes.Buffer, []UserDelta) error{
		"text":     func(b *bytes.Buffer, d []UserDelta) error { return WriteDeltaText(b, d) },
		"markdown": func(b *bytes.Buffer, d []UserDelta) error { return WriteDeltaMarkdown(b, d) },
	} {
		buf.Reset()
		if err := write(&buf, nil); err != nil || !strings.Contains(strings.ToLower(buf.String()), "no change") {
			t.Errorf("%s of no delta = %q, %v", name, buf.String(), err)
		}
	}
}

func TestRenderingIsDeterministic(t *testing.T) {
	s := st([]string{"a:w,r", "b:admin", "c:"}, []string{"w:CollectionAdmin@*.*,ClusterReadOnly@*.*", "r:search@sales.orders"},
		[]string{"search:Query,Search,DescribeCollection"})
	render := func() string {
		var b bytes.Buffer
		m := Compute(s, Options{})
		_ = WriteUsersText(&b, m)
		_ = WriteWhoText(&b, m, "Search", "sales", "orders")
		_ = WriteDeltaText(&b, Delta(Compute(nil, Options{}), m))
		_ = WriteDeltaMarkdown(&b, Delta(Compute(nil, Options{}), m))
		_ = WriteJSON(&b, m.UsersReport())
		return b.String()
	}
	first := render()
	for range 20 {
		if got := render(); got != first {
			t.Fatalf("rendering differs between runs:\n%s", cmp.Diff(first, got))
		}
	}
}

// TestUsersShowDescriptions: a user's description and its roles' descriptions are shown
// under the user, in text and JSON, from whichever state the model was computed from.
func TestUsersShowDescriptions(t *testing.T) {
	s := st([]string{"u:r"}, []string{"r:Search@sales.*"}, nil)
	s.Users["u"].Description = "the nightly loader"
	s.Roles["r"].Description = "searches sales"
	m := Compute(s, Options{})
	var b strings.Builder
	if err := WriteUsersText(&b, m, "u"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"u (roles: r; every user also holds public)\n  # the nightly loader\n  # role r: searches sales\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
	rep := m.UsersReport("u")
	if got := rep.Users[0]; got.Description != "the nightly loader" || got.RoleDescriptions["r"] != "searches sales" {
		t.Errorf("report: %+v", got)
	}
}
