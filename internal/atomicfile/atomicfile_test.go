package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// modes runs a test with unnamed temporary files (where the system has
// them) and with named ones.
func modes(t *testing.T, test func(t *testing.T, write func(string, os.FileMode, func(io.Writer) error) error)) {
	t.Run("unnamed", func(t *testing.T) {
		test(t, func(n string, p os.FileMode, f func(io.Writer) error) error { return write(n, p, f, true) })
	})
	t.Run("named", func(t *testing.T) {
		test(t, func(n string, p os.FileMode, f func(io.Writer) error) error { return write(n, p, f, false) })
	})
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestWriteReplacesOnlyOnSuccess(t *testing.T) {
	modes(t, func(t *testing.T, write func(string, os.FileMode, func(io.Writer) error) error) {
		dir := t.TempDir()
		name := filepath.Join(dir, "out")
		os.WriteFile(name, []byte("old"), 0o644)

		boom := errors.New("boom")
		err := write(name, 0o600, func(w io.Writer) error {
			w.Write([]byte("half"))
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want boom", err)
		}
		if data, _ := os.ReadFile(name); string(data) != "old" {
			t.Errorf("failed write changed the file to %q", data)
		}
		if got := names(t, dir); !slices.Equal(got, []string{"out"}) {
			t.Errorf("failed write left %q", got)
		}

		if err := write(name, 0o600, func(w io.Writer) error { _, err := w.Write([]byte("new")); return err }); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(name)
		st, _ := os.Stat(name)
		if string(data) != "new" || st.Mode().Perm() != 0o600 {
			t.Errorf("got %q mode %v, want \"new\" mode 0600", data, st.Mode().Perm())
		}
		if got := names(t, dir); !slices.Equal(got, []string{"out"}) {
			t.Errorf("a good write left %q", got)
		}
	})
}

// While the content is being written, an unnamed temporary file shows up
// nowhere in the directory: an interrupted run cannot leave it behind.
func TestUnnamedWhileWriting(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("unnamed temporary files are a Linux feature")
	}
	dir := t.TempDir()
	f, err := createUnnamed(dir, 0o644)
	if err != nil {
		t.Skipf("this file system has no O_TMPFILE: %v", err)
	}
	f.Close()
	name := filepath.Join(dir, "out.difypkg")
	err = Write(name, 0o644, func(w io.Writer) error {
		if got := names(t, dir); len(got) != 0 {
			t.Errorf("while writing, the directory holds %q", got)
		}
		_, err := io.WriteString(w, "content")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(name); string(data) != "content" {
		t.Errorf("wrote %q", data)
	}
}

func TestNamedTemporaryFileIsATempName(t *testing.T) {
	dir := t.TempDir()
	var seen []string
	err := write(filepath.Join(dir, "p.difypkg"), 0o644, func(w io.Writer) error {
		seen = names(t, dir)
		return nil
	}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || !IsTemp(seen[0]) || !strings.HasPrefix(seen[0], fmt.Sprintf(".p.difypkg.tmp-%d-", os.Getpid())) {
		t.Errorf("temporary files while writing: %q", seen)
	}
}

func TestStaleTemporaryFilesAreRemoved(t *testing.T) {
	dir := t.TempDir()
	dead := ".out.tmp-2147483646-17"                   // no such process
	mine := fmt.Sprintf(".out.tmp-%d-18", os.Getpid()) // alive: may be in use
	other := ".other.tmp-2147483646-19"                // another target's
	old := ".out.tmp-123456"                           // no owner recorded
	for _, n := range []string{dead, mine, other, old} {
		os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644)
	}
	if err := Write(filepath.Join(dir, "out"), 0o644, func(w io.Writer) error { return nil }); err != nil {
		t.Fatal(err)
	}
	want := []string{old, other, mine, "out"}
	slices.Sort(want)
	if got := names(t, dir); !slices.Equal(got, want) {
		t.Errorf("after the write: %q, want %q", got, want)
	}
}

func TestIsTemp(t *testing.T) {
	for name, want := range map[string]bool{
		".weather.difypkg.tmp-123-456": true,
		".weather.difypkg.tmp-456":     true,
		".manifest.yaml.tmp-1-2":       true,
		"weather.difypkg":              false,
		".tmp-1":                       false,
		"notes.tmp-1":                  false,
		".x.tmp-abc":                   false,
		".x.tmp-1-":                    false,
	} {
		if got := IsTemp(name); got != want {
			t.Errorf("IsTemp(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestWriteIntoMissingDirectory(t *testing.T) {
	err := Write(filepath.Join(t.TempDir(), "no", "such", "out"), 0o644, func(io.Writer) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("writing into a missing directory: %v", err)
	}
}

// A directory that turns read-only while the file is written: the write
// fails, and a temporary file that cannot be removed is named.
func TestDirectoryMadeReadOnlyMidWrite(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes into read-only directories")
	}
	modes(t, func(t *testing.T, write func(string, os.FileMode, func(io.Writer) error) error) {
		dir := t.TempDir()
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		err := write(filepath.Join(dir, "out"), 0o644, func(w io.Writer) error {
			return os.Chmod(dir, 0o555)
		})
		if err == nil {
			t.Fatal("the write succeeded in a read-only directory")
		}
		os.Chmod(dir, 0o755)
		left := names(t, dir)
		for _, n := range left {
			if !strings.Contains(err.Error(), n) {
				t.Errorf("%s was left behind and the error does not name it: %v", n, err)
			}
		}
		t.Logf("error: %v (left: %q)", err, left)
	})
}

func TestScratchHasNoName(t *testing.T) {
	dir := t.TempDir()
	f, done, err := Scratch(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("unsigned"); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		if got := names(t, dir); len(got) != 0 {
			t.Errorf("the scratch file is visible as %q", got)
		}
	}
	f.Seek(0, io.SeekStart)
	data, _ := io.ReadAll(f)
	if string(data) != "unsigned" {
		t.Errorf("read back %q", data)
	}
	done()
	if got := names(t, dir); len(got) != 0 {
		t.Errorf("after done: %q", got)
	}
}
