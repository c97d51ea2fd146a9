package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteReplacesOnlyOnSuccess(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "out")
	os.WriteFile(name, []byte("old"), 0o644)

	boom := errors.New("boom")
	err := Write(name, 0o600, func(w io.Writer) error {
		w.Write([]byte("half"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if data, _ := os.ReadFile(name); string(data) != "old" {
		t.Errorf("failed write changed the file to %q", data)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("failed write left %d files", len(entries))
	}

	if err := Write(name, 0o600, func(w io.Writer) error { _, err := w.Write([]byte("new")); return err }); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(name)
	st, _ := os.Stat(name)
	if string(data) != "new" || st.Mode().Perm() != 0o600 {
		t.Errorf("got %q mode %v, want \"new\" mode 0600", data, st.Mode().Perm())
	}
}

func TestWriteIntoMissingDirectory(t *testing.T) {
	err := Write(filepath.Join(t.TempDir(), "no", "such", "out"), 0o644, func(io.Writer) error { return nil })
	if err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}
