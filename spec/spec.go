package spec

import (
	"path"
)

// Mode says how much of the cluster a spec file owns.
type Mode string

// Modes. ModeAdopt is the default.
const (
	// ModeAdditive creates and grants only; it never revokes or drops.
	ModeAdditive Mode = "additive"
	// ModeAdopt makes every listed user, role and group match the file exactly and leaves
	// unlisted ones alone, reporting them as unmanaged.
	ModeAdopt Mode = "adopt"
	// ModeAuthoritative also drops unlisted users, roles and groups.
	ModeAuthoritative Mode = "authoritative"
)

// Password policies.
const (
	// PolicyZilliz is the Zilliz Cloud rule: 8 to 64 characters with at least three of upper
	// case, lower case, digits and special characters. The default.
	PolicyZilliz = "zilliz"
	// PolicyMilvus is Milvus's own rule: 6 to 72 bytes.
	PolicyMilvus = "milvus"
)

// Spec is a loaded, validated spec file.
type Spec struct {
	// Path is the file as named by the user; Dir-relative secret files resolve against its
	// directory.
	Path string
	// data is the file's bytes (of a spec of one file).
	data []byte
	// srcs, vars and rebase are what the spec was parsed from, for CheckRelease.
	srcs   []source
	vars   map[string][]string
	rebase bool
	// dir, when set, is Dir.
	dir string
	// Digest is "sha256:<hex>" of the file's bytes; for several files, of their digests in
	// order.
	Digest string
	// Files are the spec's files, in the order they were merged, with their digests.
	Files []File
	// sources are where each object was written (SourceOf).
	sources        map[string]Source
	Version        int
	Mode           Mode
	PasswordPolicy string
	Protect        Protect
	// Schema is the $schema reference of the file's yaml-language-server comment, kept so
	// that Encode writes back the one the file had; empty when it had none.
	Schema string
	// NoSchemaComment makes Encode write no yaml-language-server comment (a file written
	// where no schema.json can be found).
	NoSchemaComment bool
	// State is the desired state, normalised: grants carry their derived object type and
	// defaults, the companions of Load and Flush are not added (package plan does that).
	State *State
}

// Protect names users, roles and privilege groups (glob patterns, path.Match syntax) that a
// plan never creates, changes or drops, beside the built-ins.
type Protect struct {
	Users  []string `yaml:"users,omitempty" json:"users,omitempty"`
	Roles  []string `yaml:"roles,omitempty" json:"roles,omitempty"`
	Groups []string `yaml:"privilege_groups,omitempty" json:"privilege_groups,omitempty"`
}

// User reports whether user name is protected: root, or matched by a pattern.
func (p Protect) User(name string) bool {
	return name == RootUser || matchAny(p.Users, name)
}

// Role reports whether role name is protected: admin, public, or matched by a pattern.
func (p Protect) Role(name string) bool {
	return name == AdminRole || name == PublicRole || matchAny(p.Roles, name)
}

// Group reports whether privilege group name is protected: a built-in group, or matched by a
// pattern.
func (p Protect) Group(name string) bool {
	return isBuiltinGroupName(name) || matchAny(p.Groups, name)
}

func matchAny(patterns []string, name string) bool {
	for _, pat := range patterns {
		if ok, err := path.Match(pat, name); err == nil && ok {
			return true
		}
	}
	return false
}

// Secret is a reference to a secret value: an environment variable or a file. The value is
// read only by Resolve and never stored in a Secret.
type Secret struct {
	Env  string `yaml:"env,omitempty" json:"env,omitempty"`
	File string `yaml:"file,omitempty" json:"file,omitempty"`
}

// String names the source, never the value: "env USER_1_PASSWORD" or "file secrets/u1".
func (s Secret) String() string {
	if s.Env != "" {
		return "env " + s.Env
	}
	return "file " + s.File
}
