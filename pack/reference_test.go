package pack

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/dify-cli/dify/internal/testref"
)

// Our package of the demo plugin has the entries of the official tool's
// package of it (testdata/official), in its order, with the same contents.
func TestOfficialPackageEntries(t *testing.T) {
	ref, err := zip.OpenReader("../testdata/official/demo.difypkg")
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	ours, err := zip.NewReader(bytes.NewReader(packageBytes(t, demoDir)), int64(len(packageBytes(t, demoDir))))
	if err != nil {
		t.Fatal(err)
	}
	if len(ours.File) != len(ref.File) {
		t.Fatalf("%d entries, the official package has %d", len(ours.File), len(ref.File))
	}
	for i, f := range ours.File {
		if f.Name != ref.File[i].Name || f.CRC32 != ref.File[i].CRC32 || f.UncompressedSize64 != ref.File[i].UncompressedSize64 {
			t.Errorf("entry %d: %s (crc %08x, %d bytes), official %s (crc %08x, %d bytes)", i, f.Name, f.CRC32, f.UncompressedSize64,
				ref.File[i].Name, ref.File[i].CRC32, ref.File[i].UncompressedSize64)
		}
	}
}

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
