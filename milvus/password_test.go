package milvus

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/milvus-rbac/milvus-rbac/apply"
	"github.com/milvus-rbac/milvus-rbac/spec"
)

var _ apply.Resolver = (*Client)(nil)

func TestCheckPasswordLogsInAsTheUser(t *testing.T) {
	f := newFake(t)
	f.on("users/describe", func(map[string]any) reply { return ok(`[]`) })
	c := f.start(Config{Token: "root:Root-Secret"})
	works, err := c.CheckPassword(testCtx(t), "alice", "Alice-Pw-1")
	if err != nil || !works {
		t.Fatalf("CheckPassword = %v, %v", works, err)
	}
	r := f.requests()[0]
	if got := r.Header.Get("Authorization"); got != "Bearer alice:Alice-Pw-1" {
		t.Errorf("probe sent Authorization %q, want the user's own credentials", got)
	}
	if r.Body != `{"userName":"alice"}` {
		t.Errorf("probe body %s", r.Body)
	}

	f.always("users/describe", reply{Status: http.StatusUnauthorized, Body: `{"code":1800,"message":"user hasn't authenticated"}`})
	works, err = c.CheckPassword(testCtx(t), "alice", "Wrong-Pw-1")
	if err != nil || works {
		t.Errorf("CheckPassword with a wrong password = %v, %v; want false, nil", works, err)
	}
	// The client's own calls still use its token.
	f.always("users/drop", okEmpty)
	if err := c.DropUser(testCtx(t), "bob"); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	if got := reqs[len(reqs)-1].Header.Get("Authorization"); got != "Bearer root:Root-Secret" {
		t.Errorf("a later call sent %q", got)
	}
}

func TestUpdatePassword(t *testing.T) {
	f := newFake(t)
	f.always("users/update_password", fail(1400, "old password not correct for alice: not authenticated"))
	c := f.start(Config{Token: "root:Root-Secret"})
	err := c.UpdatePassword(testCtx(t), "alice", "Old-Secret-1", "New-Secret-2")
	if err == nil {
		t.Fatal("UpdatePassword succeeded on a 1400 answer")
	}
	for _, secret := range []string{"Old-Secret-1", "New-Secret-2", "Root-Secret"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error %q holds a secret", err)
		}
	}
	if body := f.requests()[0].Body; body != `{"userName":"alice","password":"Old-Secret-1","newPassword":"New-Secret-2"}` {
		t.Errorf("body %s", body)
	}
}

func TestLegacyGroupsGoThroughV1(t *testing.T) {
	f := newFake(t)
	f.always("roles/revoke_privilege", okEmpty)
	c := f.start(Config{})
	g := spec.Grant{ObjectType: "Collection", Privilege: "ReadWrite", Database: "default", Object: "*"}
	if err := c.RevokePrivilege(testCtx(t), "r", g); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	if len(reqs) != 1 || reqs[0].Body != `{"roleName":"r","objectType":"Collection","objectName":"*","privilege":"ReadWrite","dbName":"default"}` {
		t.Errorf("requests %+v", reqs)
	}
}

func TestV1RefusesGlobalPrivilegesOnOneCollection(t *testing.T) {
	f := newFake(t)
	f.always("roles/grant_privilege_v2", notFound)
	c := f.start(Config{})
	err := c.GrantPrivilege(testCtx(t), "r", spec.NewGrant("DescribeCollection", "default", "books"))
	var fe *FeatureError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "a Global privilege on one collection") {
		t.Fatalf("err = %v, want a FeatureError", err)
	}
	for _, r := range f.requests() {
		if r.Endpoint == "roles/grant_privilege" {
			t.Error("the v1 call was made: it would grant DescribeCollection on default.*")
		}
	}
}
