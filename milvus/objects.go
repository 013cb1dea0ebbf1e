package milvus

import (
	"context"
	"fmt"
	"slices"
)

// Endpoints of the objects a grant may name. Releases that resolve names in grants (2.6.12 and
// later) need them; the RBAC read does not.
const (
	endpointListDatabases = "databases/list"
	endpointListAliases   = "aliases/list"
	endpointDescribeAlias = "aliases/describe"
)

// Databases returns the names of the cluster's databases (databases/list), sorted.
func (c *Client) Databases(ctx context.Context) ([]string, error) {
	names, err := c.listNames(ctx, endpointListDatabases)
	if err != nil {
		return nil, fmt.Errorf("list databases: %w", err)
	}
	slices.Sort(names)
	return names, nil
}

type dbReq struct {
	DBName string `json:"dbName"`
}

type aliasReq struct {
	DBName    string `json:"dbName"`
	AliasName string `json:"aliasName"`
}

// Aliases returns, of names, those that are aliases in database db, each with its collection:
// one aliases/list, and one aliases/describe per alias among names.
func (c *Client) Aliases(ctx context.Context, db string, names []string) (map[string]string, error) {
	data, err := c.call(ctx, endpointListAliases, dbReq{DBName: db})
	if err != nil {
		return nil, fmt.Errorf("list aliases of database %q: %w", db, err)
	}
	aliases, err := parseNames(endpointListAliases, data)
	if err != nil {
		return nil, fmt.Errorf("list aliases of database %q: %w", db, err)
	}
	out := map[string]string{}
	for _, a := range aliases {
		if !slices.Contains(names, a) {
			continue
		}
		data, err := c.call(ctx, endpointDescribeAlias, aliasReq{DBName: db, AliasName: a})
		if err != nil {
			return nil, fmt.Errorf("describe alias %q of database %q: %w", a, db, err)
		}
		var d struct {
			Collection string `json:"collectionName"`
		}
		if err := decodeData(endpointDescribeAlias, data, &d, `an object {"collectionName": ...}`); err != nil {
			return nil, fmt.Errorf("describe alias %q of database %q: %w", a, db, err)
		}
		if d.Collection == "" {
			return nil, fmt.Errorf("describe alias %q of database %q: %s: %w: no \"collectionName\"", a, db, endpointDescribeAlias, ErrMalformedResponse)
		}
		out[a] = d.Collection
	}
	return out, nil
}
