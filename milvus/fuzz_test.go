package milvus

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// The fuzz targets feed arbitrary answers through the decoding Read and the mutations use.
// Whatever the server sends, the client must not panic, must name the endpoint in its error,
// and must not hand a plan a state no server can hold (an empty name, a grant without a
// privilege). Their seed corpora in testdata/fuzz run with every go test; make fuzz explores
// further.

// decodeSeeds are answers worth starting from: well-formed ones of every shape, and the ways
// servers and proxies get them wrong.
var decodeSeeds = []struct {
	status int
	body   string
}{
	{200, `{"code":0,"data":["root","alice"]}`},
	{200, `{"code":0,"data":[]}`},
	{200, `{"code":0,"data":{}}`},
	{200, `{"code":0,"data":[{"objectType":"Collection","objectName":"*","privilege":"Search","dbName":"default","grantor":"root"},{"objectType":"Global","objectName":"*","privilege":"CreateCollection","dbName":""}]}`},
	{200, `{"code":0,"data":{"privilegeGroups":[{"privilegeGroupName":"g","privileges":"Query,Search"},{"privilegeGroupName":"ClusterReadOnly","privileges":["ListDatabases"]}]}}`},
	{200, `{"code":0,"data":["role_a"],"description":"d"}`},
	{200, `{"code":65535,"message":"user already exists: bob"}`},
	{200, `{"code":10001,"message":"request timeout"}`},
	{401, `{"code":1800,"message":"user hasn't authenticated"}`},
	{403, `{"code":65535,"message":"PrivilegeCreateOwnership: permission deny to bob in the ` + "`default`" + ` database"}`},
	{404, `404 page not found`},
	{502, `<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>`},
	{200, `<!DOCTYPE html><html><body>maintenance</body></html>`},
	{200, `{"code":0}`},
	{200, `{"code":0,"data":null}`},
	{200, `{"code":0,"data":[null,"x"]}`},
	{200, `{"code":0,"data":["app_reader","",""]}`},
	{200, `{"code":0,"data":["","",""],"description":""}`},
	{200, `{"code":0,"data":["reader","reader"," "]}`},
	{200, `{"code":0,"data":[{"objectType":"Collection","objectName":"","privilege":"Search","dbName":"default","grantor":"root"},{"objectType":"Collection","objectName":"books","privilege":"","dbName":"sales"}],"description":""}`},
	{200, `{"code":0,"data":[{"objectType":null}]}`},
	{200, `{"code":0,"data":{"privilegeGroups":null}}`},
	{200, `{"code":0,"data":{"privilegeGroups":[{"privileges":5}]}}`},
	{200, `{"code":"0","data":[]}`},
	{200, `{"code":0,"data":["root"`},
	{200, `{"code":1e400}`},
	{200, `{"code":0,"data":"x"}`},
	{200, ``},
	{302, ``},
}

// readEndpoints are the endpoints Read calls, in the order FuzzRead takes their bodies.
var readEndpoints = []string{endpointListUsers, endpointDescribeUser, endpointListRoles, endpointDescribeRole, endpointListGroups}

func FuzzDecodeResponse(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add(uint16(s.status), []byte(s.body))
	}
	c, err := New(Config{Token: "root:Milvus"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		code := int(status)
		if code < 100 || code > 599 {
			code = 100 + code%500
		}
		resp := &http.Response{StatusCode: code, Header: http.Header{}}
		named := func(endpoint string, err error) {
			t.Helper()
			if !strings.HasPrefix(err.Error(), endpoint+":") {
				t.Fatalf("error %q does not start with the endpoint %s", err, endpoint)
			}
			_ = Hint(err)
		}
		for _, endpoint := range append(slices.Clone(readEndpoints), "users/create") {
			data, err := c.decode(endpoint, resp, body, nil)
			if err != nil {
				named(endpoint, err)
				continue
			}
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: HTTP %d decoded as success", endpoint, resp.StatusCode)
			}
			switch endpoint {
			case endpointListUsers, endpointListRoles:
				names, err := parseNames(endpoint, data)
				if err != nil {
					named(endpoint, err)
					continue
				}
				checkNames(t, endpoint, names)
			case endpointDescribeUser:
				roles, empty, err := parseUserRoles(data)
				if err != nil {
					named(endpoint, err)
					continue
				}
				checkNames(t, endpoint, roles)
				if empty < 0 {
					t.Fatalf("%s: %d empty entries", endpoint, empty)
				}
			case endpointDescribeRole:
				grants, _, err := parseGrants(data)
				if err != nil {
					named(endpoint, err)
					continue
				}
				for _, g := range grants {
					if g.ObjectType == "" || g.Object == "" || g.Privilege == "" || g.Database == "" {
						t.Fatalf("%s: grant with an empty field: %+v", endpoint, g)
					}
				}
			case endpointListGroups:
				groups, err := parseGroups(data)
				if err != nil {
					named(endpoint, err)
					continue
				}
				for name, privs := range groups {
					if name == "" || slices.Contains(privs, "") || !slices.IsSorted(privs) {
						t.Fatalf("%s: group %q with privileges %q", endpoint, name, privs)
					}
				}
			}
		}
	})
}

func checkNames(t *testing.T, endpoint string, names []string) {
	t.Helper()
	if slices.Contains(names, "") {
		t.Fatalf("%s: an empty name in %q", endpoint, names)
	}
}

// memoryTransport answers every request from bodies, by endpoint, without a network.
type memoryTransport map[string][]byte

func (m memoryTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	endpoint := strings.TrimPrefix(r.URL.Path, BasePath+"/")
	body, ok := m[endpoint]
	status := http.StatusOK
	if !ok {
		status, body = http.StatusNotFound, []byte("404 page not found")
	}
	if r.Body != nil {
		r.Body.Close()
	}
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(body)), Request: r}, nil
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(`{"code":0,"data":["root","alice"]}`), []byte(`{"code":0,"data":["reader"]}`),
		[]byte(`{"code":0,"data":["admin","public","reader"]}`),
		[]byte(`{"code":0,"data":[{"objectType":"Collection","objectName":"*","privilege":"Search","dbName":"default"}]}`),
		[]byte(`{"code":0,"data":{"privilegeGroups":[{"privilegeGroupName":"g","privileges":"Query,Search"}]}}`))
	f.Add([]byte(`{"code":0,"data":["root"]}`), []byte(`{"code":0,"data":[]}`), []byte(`{"code":0,"data":[]}`),
		[]byte(`{"code":0,"data":[]}`), []byte(`404`))
	f.Add([]byte(`{"code":0,"data":[""]}`), []byte(`{"code":0,"data":null}`), []byte(`{"code":0,"data":["a","a"]}`),
		[]byte(`{"code":0,"data":[{}]}`), []byte(`{"code":0,"data":{"privilegeGroups":[{"privilegeGroupName":"","privileges":""}]}}`))
	f.Fuzz(func(t *testing.T, users, user, roles, role, groups []byte) {
		c, err := New(Config{Token: "root:Milvus", Concurrency: 4, Retries: NoRetries,
			HTTPClient: &http.Client{Transport: memoryTransport{
				endpointListUsers: users, endpointDescribeUser: user, endpointListRoles: roles,
				endpointDescribeRole: role, endpointListGroups: groups,
			}}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		live, err := c.Read(ctx)
		if err != nil {
			for _, e := range readEndpoints {
				if strings.Contains(err.Error(), e+":") {
					return
				}
			}
			t.Fatalf("error %q names no endpoint", err)
		}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			t.Fatal("Read took 10 s")
		}
		st := live.State
		for name, u := range st.Users {
			if name == "" || u.Name != name || slices.Contains(u.Roles, "") {
				t.Fatalf("user %q: %+v", name, u)
			}
		}
		for name, r := range st.Roles {
			if name == "" || r.Name != name {
				t.Fatalf("role %q: %+v", name, r)
			}
			for _, g := range r.Grants {
				if g.ObjectType == "" || g.Object == "" || g.Privilege == "" || g.Database == "" {
					t.Fatalf("role %q: grant with an empty field: %+v", name, g)
				}
			}
		}
		for name, g := range st.Groups {
			if name == "" || g.Name != name || slices.Contains(g.Privileges, "") {
				t.Fatalf("group %q: %+v", name, g)
			}
		}
	})
}

// TestHugeAnswer: an answer larger than the cap is refused with an error naming the endpoint,
// without reading it whole.
func TestHugeAnswer(t *testing.T) {
	huge := memoryTransport{endpointListUsers: append([]byte(`{"code":0,"data":["`), bytes.Repeat([]byte("a"), maxResponse)...)}
	c, err := New(Config{HTTPClient: &http.Client{Transport: huge}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.listNames(testCtx(t), endpointListUsers)
	if !errors.Is(err, ErrMalformedResponse) || !strings.HasPrefix(err.Error(), "users/list:") || !strings.Contains(err.Error(), "larger than 64 MiB") {
		t.Fatalf("err = %v", err)
	}
}
