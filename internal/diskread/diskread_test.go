package diskread

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestHead(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "f.txt")
	content := bytes.Repeat([]byte("0123456789"), 10000)
	if err := os.WriteFile(name, content, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, read := range []struct {
		how  string
		head func(string, int64) ([]byte, int64, error)
	}{{"fast", Head}, {"portable", portableHead}} {
		for _, n := range []int64{0, 1, 4096, 100000, 100001, 1 << 30} {
			data, size, err := read.head(name, n)
			if err != nil {
				t.Fatalf("%s(%d): %v", read.how, n, err)
			}
			if size != int64(len(content)) || !bytes.Equal(data, content[:min(int64(len(content)), n)]) {
				t.Errorf("%s(%d) = %d bytes, size %d; want %d bytes, size %d", read.how, n, len(data), size, min(int64(len(content)), n), len(content))
			}
		}
		if _, _, err := read.head(dir, 10); !errors.Is(err, ErrNotRegular) {
			t.Errorf("%s of a folder: %v, want ErrNotRegular", read.how, err)
		}
		if _, _, err := read.head(filepath.Join(dir, "missing"), 10); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s of a missing file: %v, want not exist", read.how, err)
		}
	}
}
