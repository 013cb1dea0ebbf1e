package problem

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadFile: a file is read to one byte past the limit, enough for Document to refuse it,
// and a missing file is named with its kind.
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, bytes.Repeat([]byte("x"), 100), 0o600); err != nil {
		t.Fatal(err)
	}
	data, err := Limits{MaxSize: 10}.ReadFile(big, "spec file")
	if err != nil || len(data) != 11 {
		t.Errorf("read %d bytes, %v; want 11", len(data), err)
	}
	_, err = Limits{MaxSize: 10}.ReadFile(filepath.Join(dir, "missing.yaml"), "policy file")
	if err == nil || !strings.HasPrefix(err.Error(), "read policy file: ") || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}
