package pack

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/dify-cli/dify/internal/testref"
)

// Without the file the reference drops (it ignores `!important.log`), our
// package of the weather plugin has the reference's entries in the
// reference's order. (Checksums are compared in package checksum.)
func TestReferencePackageEntries(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, testref.Path(t, "weather"), dir)
	os.Remove(filepath.Join(dir, "important.log"))
	ref, err := zip.OpenReader(testref.Path(t, "weather.difypkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	out := filepath.Join(t.TempDir(), "w.difypkg")
	if _, err := Package(context.Background(), Options{Dir: dir, Output: out}); err != nil {
		t.Fatal(err)
	}
	ours, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer ours.Close()
	names := func(r *zip.ReadCloser) (n []string) {
		for _, f := range r.File {
			n = append(n, f.Name)
		}
		return n
	}
	if got, want := names(ours), names(ref); !reflect.DeepEqual(got, want) {
		t.Errorf("entries %q, reference %q", got, want)
	}
}
