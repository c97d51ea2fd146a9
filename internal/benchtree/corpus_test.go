package benchtree

import (
	"os"
	"path/filepath"
	"testing"
)

func TestTypicalShape(t *testing.T) {
	dir, err := Typical(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	files, size := 0, int64(0)
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files++
			info, _ := d.Info()
			size += info.Size()
		}
		return nil
	})
	if files != 53 || size < 300<<10 || size > 1<<20 {
		t.Errorf("the typical plugin has %d files, %d bytes", files, size)
	}
}
