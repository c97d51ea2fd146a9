package checksum_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"testing/fstest"

	"github.com/dify-cli/dify/checksum"
	"github.com/dify-cli/dify/pack"
)

// independentSum recomputes the daemon's algorithm from its description
// (difypkg spec, section 2) without sharing code with the package.
func independentSum(files map[string][]byte) string {
	var keys []string
	for k := range files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var all []byte
	for _, k := range keys {
		a := sha256.Sum256([]byte(k))
		b := sha256.Sum256(files[k])
		all = append(all, a[:]...)
		all = append(all, b[:]...)
	}
	s := sha256.Sum256(all)
	return hex.EncodeToString(s[:])
}

func TestSumTestVector(t *testing.T) {
	fsys := fstest.MapFS{"a.txt": {Data: []byte("hello\n")}, "dir/b.txt": {Data: nil}}
	got, err := checksum.Sum(fsys)
	if err != nil {
		t.Fatal(err)
	}
	// Output of the reference implementation for these two files.
	if want := "0a0a4784d516d60f8f75351da947c9e034776a191a8f352181d6d257a0aa1843"; got != want {
		t.Errorf("Sum = %s, want %s", got, want)
	}
	if ind := independentSum(map[string][]byte{"a.txt": []byte("hello\n"), "dir/b.txt": nil}); got != ind {
		t.Errorf("Sum = %s, independent computation = %s", got, ind)
	}
}

func TestSumOfDirectoryEqualsSumOfItsPackage(t *testing.T) {
	files := map[string][]byte{
		"manifest.yaml":      []byte("version: 0.0.1\n"),
		"a-b/x.txt":          []byte("dash sorts before slash"),
		"a/x.txt":            bytes.Repeat([]byte("x"), 100000),
		"empty":              nil,
		"deep/er/path/f.bin": {0, 1, 2, 3},
		".difyignore":        []byte("*.log\n"),
	}
	dir := t.TempDir()
	for p, data := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(full), 0o755)
		os.WriteFile(full, data, 0o644)
	}
	os.WriteFile(filepath.Join(dir, "ignored.log"), []byte("not counted"), 0o644)

	src, err := pack.OpenDir(dir, pack.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dirSum, err := checksum.Sum(src)
	if err != nil {
		t.Fatal(err)
	}
	if want := independentSum(files); dirSum != want {
		t.Errorf("directory checksum %s, independent computation %s", dirSum, want)
	}

	out := filepath.Join(t.TempDir(), "p.difypkg")
	f, _ := os.Create(out)
	if err := pack.Write(context.Background(), f, src, pack.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	arc, err := pack.OpenArchive(out, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	pkgSum, err := checksum.Sum(arc)
	if err != nil {
		t.Fatal(err)
	}
	if pkgSum != dirSum {
		t.Errorf("package checksum %s != directory checksum %s", pkgSum, dirSum)
	}
}

func TestSumReportsUnreadableFiles(t *testing.T) {
	fsys := brokenFS{fstest.MapFS{"a.txt": {Data: []byte("x")}}}
	if _, err := checksum.Sum(fsys); err == nil {
		t.Error("Sum succeeded although a file could not be opened")
	}
}

type brokenFS struct{ fstest.MapFS }

func (b brokenFS) Open(name string) (fs.File, error) {
	if name == "a.txt" {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return b.MapFS.Open(name)
}

// The package-format test vector (difypkg spec 1.9): the reference computes
// this checksum for both the directory and its package.
func TestSumSpecVector(t *testing.T) {
	src, err := pack.OpenDir("../testdata/plugins/demo", pack.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := checksum.Sum(src)
	if err != nil {
		t.Fatal(err)
	}
	if want := "60932eef76471e153d7217af2c1cbbbea5e8f547de74f8b169711e0f043bbc6d"; got != want {
		t.Errorf("checksum of the spec's demo plugin = %s, want %s", got, want)
	}
}
