package milvus

import "testing"

func TestClusterID(t *testing.T) {
	same := map[string][2]string{
		"localhost is 127.0.0.1":      {"http://localhost:19530", "http://127.0.0.1:19530"},
		"::1 is loopback too":         {"http://[::1]:19530", "http://127.0.0.1:19530"},
		"a trailing slash":            {"http://127.0.0.1:19530/", "http://127.0.0.1:19530"},
		"the REST base path":          {"http://127.0.0.1:19530/v2/vectordb", "http://127.0.0.1:19530"},
		"case of scheme and host":     {"HTTPS://Milvus.Example.com:443", "https://milvus.example.com"},
		"the default port of http":    {"http://milvus.example.com:80", "http://milvus.example.com"},
		"a path prefix kept, trimmed": {"https://gw.example.com/milvus/", "https://gw.example.com/milvus"},
	}
	for name, c := range same {
		if !SameCluster(c[0], c[1]) {
			t.Errorf("%s: %s (%s) and %s (%s) differ", name, c[0], ClusterID(c[0]), c[1], ClusterID(c[1]))
		}
	}
	differ := map[string][2]string{
		"another port":      {"http://127.0.0.1:19530", "http://127.0.0.1:19531"},
		"another scheme":    {"http://milvus.example.com:443", "https://milvus.example.com:443"},
		"another host":      {"http://a.example.com:19530", "http://b.example.com:19530"},
		"another path":      {"https://gw.example.com/a", "https://gw.example.com/b"},
		"a non-loopback IP": {"http://10.0.0.1:19530", "http://127.0.0.1:19530"},
	}
	for name, c := range differ {
		if SameCluster(c[0], c[1]) {
			t.Errorf("%s: %s and %s are taken as one cluster (%s)", name, c[0], c[1], ClusterID(c[0]))
		}
	}
}
