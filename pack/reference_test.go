package pack

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/dify-cli/dify/internal/testref"
)

// Without the file the reference drops (it ignores `!important.log`), our
// package of the weather plugin is byte for byte the reference's.
func TestReferencePackageBytes(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, testref.Path(t, "weather"), dir)
	os.Remove(filepath.Join(dir, "important.log"))
	want, err := os.ReadFile(testref.Path(t, "weather.difypkg"))
	if err != nil {
		t.Fatal(err)
	}
	if got := packageBytes(t, dir); !bytes.Equal(got, want) {
		t.Errorf("package differs from the reference's weather.difypkg (%d vs %d bytes)", len(got), len(want))
	}
}
