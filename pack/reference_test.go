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

// Our package of each reference plugin (without the files the official
// tool drops, as it ignores `!` lines) has the official package's entries,
// in its order, with the same contents: the repository's set in every
// clone, the shared one when present.
func TestReferencePackageEntries(t *testing.T) {
	for _, r := range testref.References(t) {
		t.Run(r.Name, func(t *testing.T) {
			dir := t.TempDir()
			copyTree(t, r.Dir, dir)
			for _, f := range r.OnlyOurs {
				os.Remove(filepath.Join(dir, f))
			}
			ref, err := zip.OpenReader(r.Unsigned)
			if err != nil {
				t.Fatal(err)
			}
			defer ref.Close()
			out := filepath.Join(t.TempDir(), "ours.difypkg")
			if _, err := Package(context.Background(), Options{Dir: dir, Output: out, NoValidate: true}); err != nil {
				t.Fatal(err)
			}
			ours, err := zip.OpenReader(out)
			if err != nil {
				t.Fatal(err)
			}
			defer ours.Close()
			type entry struct {
				name string
				crc  uint32
				size uint64
			}
			list := func(r *zip.ReadCloser) (n []entry) {
				for _, f := range r.File {
					n = append(n, entry{f.Name, f.CRC32, f.UncompressedSize64})
				}
				return n
			}
			if got, want := list(ours), list(ref); !reflect.DeepEqual(got, want) {
				t.Errorf("entries %v, the official tool's %v", got, want)
			}
		})
	}
}
