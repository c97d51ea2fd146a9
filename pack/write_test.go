package pack

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dify-cli/dify/internal/benchtree"
)

// demoDir is the test vector of the package format (difypkg spec, 1.9).
const demoDir = "../testdata/plugins/demo"

var update = flag.Bool("update", false, "rewrite golden files in testdata/golden")

func packageBytes(t testing.TB, dir string) []byte {
	t.Helper()
	return packageWith(t, dir, WriteOptions{})
}

func packageWith(t testing.TB, dir string, opts WriteOptions) []byte {
	t.Helper()
	src, err := OpenDir(dir, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(context.Background(), &buf, src, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The bytes of a package are part of the tool's contract (reproducible
// builds): a change to them must be deliberate, made with -update. The
// golden file lists every entry (name, size, method, compressed size,
// CRC-32, SHA-256 of the content) and then the SHA-256 of the whole
// package, so that a failure shows what changed.
func TestWriteGolden(t *testing.T) {
	got := packageListing(t, packageBytes(t, demoDir))
	golden := "../testdata/golden/demo.difypkg.txt"
	if *update {
		os.MkdirAll(filepath.Dir(golden), 0o755)
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("the demo package changed (run with -update if that is intended)\ngot:\n%s\ngolden:\n%s", got, want)
	}
}

// packageListing describes a package entry by entry, for people.
func packageListing(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("# entry  size  method  compressed  crc32  sha256(content)\n")
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		io.Copy(h, rc)
		rc.Close()
		method := map[uint16]string{zip.Store: "stored", zip.Deflate: "deflated"}[f.Method]
		fmt.Fprintf(&b, "%s  %d  %s  %d  %08x  %x\n", f.Name, f.UncompressedSize64, method, f.CompressedSize64, f.CRC32, h.Sum(nil))
	}
	sum := sha256.Sum256(data)
	fmt.Fprintf(&b, "# package: %d bytes, sha256 %s\n", len(data), hex.EncodeToString(sum[:]))
	return b.String()
}

func TestWriteEntries(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"b/z.txt":   "z",
		"a-b/y.txt": strings.Repeat("compressible ", 100),
		"a/x.txt":   "x",
		"é.txt":     "e",
		"c.txt":     "c",
		"empty":     "",
	})
	data := packageBytes(t, dir)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		wantMethod := zip.Store // one byte never shrinks
		if f.Name == "a-b/y.txt" {
			wantMethod = zip.Deflate
		}
		if f.Method != wantMethod || f.ModifiedTime != 0 || f.ModifiedDate != 0 ||
			f.ExternalAttrs != 0 || len(f.Extra) != 0 || f.CreatorVersion != 20 || f.ReaderVersion != 20 {
			t.Errorf("entry %s: method %d time %d/%d attrs %#x extra %d versions %d/%d; want method %d, no time, no attributes",
				f.Name, f.Method, f.ModifiedDate, f.ModifiedTime, f.ExternalAttrs, len(f.Extra), f.CreatorVersion, f.ReaderVersion, wantMethod)
		}
		if utf8Flag := f.Flags&0x800 != 0; utf8Flag != (f.Name == "é.txt") {
			t.Errorf("entry %s: UTF-8 flag %v", f.Name, utf8Flag)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		content, err := io.ReadAll(rc)
		if err != nil {
			t.Errorf("entry %s does not read back: %v", f.Name, err)
		}
		if disk, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Name))); !bytes.Equal(content, disk) {
			t.Errorf("entry %s content differs from the file", f.Name)
		}
	}
	// Byte order of whole paths: '-' (0x2d) sorts before '/' (0x2f).
	want := []string{"a-b/y.txt", "a/x.txt", "b/z.txt", "c.txt", "empty", "é.txt"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("entries %q, want %q", names, want)
	}
	if zr.Comment != "" {
		t.Errorf("comment %q, want none", zr.Comment)
	}
}

// Large files are streamed rather than held in memory; they are deflated or
// stored by how well their start compresses, and read back intact.
func TestWriteLargeFiles(t *testing.T) {
	random := make([]byte, 3*memLimit)
	rand.NewChaCha8([32]byte{1}).Read(random)
	dir := writeTree(t, map[string]string{
		"big-text.txt":   strings.Repeat("the same words again ", 3*memLimit/20),
		"big-random.bin": string(random),
		"small.txt":      "small",
	})
	data := packageBytes(t, dir)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	methods := map[string]uint16{}
	for _, f := range zr.File {
		methods[f.Name] = f.Method
		rc, _ := f.Open()
		content, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if disk, _ := os.ReadFile(filepath.Join(dir, f.Name)); !bytes.Equal(content, disk) {
			t.Errorf("%s does not read back intact", f.Name)
		}
	}
	if methods["big-text.txt"] != zip.Deflate || methods["big-random.bin"] != zip.Store {
		t.Errorf("methods %v: want the text deflated and the random bytes stored", methods)
	}
	if len(data) > 3*memLimit+3*memLimit/10 {
		t.Errorf("package is %d bytes; the text file did not compress", len(data))
	}
}

// Compressing in parallel gives exactly the bytes of compressing one file at a time.
func TestWorkersDoNotChangeOutput(t *testing.T) {
	dir := t.TempDir()
	if _, err := benchtree.Write(dir, 300, 4<<20); err != nil {
		t.Fatal(err)
	}
	random := make([]byte, 2*memLimit)
	rand.NewChaCha8([32]byte{3}).Read(random)
	os.WriteFile(filepath.Join(dir, "large.bin"), random, 0o644)
	one := packageWith(t, dir, WriteOptions{Workers: 1, MaxSize: 1 << 30})
	for _, n := range []int{2, 4, 16} {
		if many := packageWith(t, dir, WriteOptions{Workers: n, MaxSize: 1 << 30}); !bytes.Equal(one, many) {
			t.Errorf("%d workers give different bytes from 1", n)
		}
	}
}

func TestWriteReportsProgress(t *testing.T) {
	var seen []Progress
	packageWith(t, demoDir, WriteOptions{Progress: func(p Progress) { seen = append(seen, p) }})
	if len(seen) != 5 || seen[4] != (Progress{Files: 5, TotalFiles: 5, Bytes: 389, TotalBytes: 389}) {
		t.Errorf("progress %+v", seen)
	}
}

func TestWriteIsReproducible(t *testing.T) {
	files := map[string]string{"manifest.yaml": "name: x\n", "src/a.py": "print(1)\n", "src/b.py": strings.Repeat("b", 5000)}
	dir := writeTree(t, files)
	first := packageBytes(t, dir)

	// Times, modes and the directory's name do not count.
	later := time.Now().Add(48 * time.Hour)
	for p := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		os.Chtimes(full, later, later)
		os.Chmod(full, 0o755)
	}
	if again := packageBytes(t, dir); !bytes.Equal(first, again) {
		t.Error("packaging after touch and chmod gave different bytes")
	}
	other := writeTree(t, files)
	if copy := packageBytes(t, other); !bytes.Equal(first, copy) {
		t.Error("packaging a copy in another directory gave different bytes")
	}
}

func TestSizeCap(t *testing.T) {
	files := map[string]string{
		"manifest.yaml":       strings.Repeat("m", 100),
		".venv/lib/big.so":    strings.Repeat("v", 600),
		".venv/lib/other.so":  strings.Repeat("v", 500),
		"a.txt":               strings.Repeat("a", 50),
		"b.txt":               strings.Repeat("b", 40),
		"c.txt":               strings.Repeat("c", 30),
		"zz_last_largest.bin": strings.Repeat("z", 700),
	}
	dir := writeTree(t, files)
	src, err := OpenDir(dir, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	total := src.TotalSize() // 2020 bytes

	var buf bytes.Buffer
	if err := Write(context.Background(), &buf, src, WriteOptions{MaxSize: total}); err != nil {
		t.Fatalf("a package exactly at the limit is allowed: %v", err)
	}
	err = Write(context.Background(), &buf, src, WriteOptions{MaxSize: total - 1})
	var se *SizeError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want a *SizeError", err)
	}
	// The five largest of the whole tree, even the one that sorts last.
	want := []string{"zz_last_largest.bin", ".venv/lib/big.so", ".venv/lib/other.so", "manifest.yaml", "a.txt"}
	if got := paths(se.Largest); !reflect.DeepEqual(got, want) {
		t.Errorf("largest %q, want %q", got, want)
	}
	if se.Suggestion != ".venv/" {
		t.Errorf("suggestion %q, want .venv/", se.Suggestion)
	}
	for _, s := range []string{"zz_last_largest.bin", "700 B", `".venv/"`, "--max-size"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("message lacks %q:\n%s", s, err)
		}
	}
}

func TestSizeCapWhileStreaming(t *testing.T) {
	// A file that grows after it was listed is still caught while copying.
	dir := writeTree(t, map[string]string{"a.txt": "small"})
	src, err := OpenDir(dir, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "a.txt"), bytes.Repeat([]byte("x"), 4096), 0o644)
	var se *SizeError
	if err := Write(context.Background(), &bytes.Buffer{}, src, WriteOptions{MaxSize: 1024}); !errors.As(err, &se) {
		t.Fatalf("err = %v, want a *SizeError", err)
	}
}

func TestPackageIsAtomic(t *testing.T) {
	dir := writeTree(t, map[string]string{"big.bin": strings.Repeat("x", 2<<20)})
	copyTree(t, demoDir, dir)
	outDir := t.TempDir()
	out := filepath.Join(outDir, "demo.difypkg")
	os.WriteFile(out, []byte("previous good package"), 0o644)

	_, err := Package(context.Background(), Options{Dir: dir, Output: out, MaxSize: 1 << 20})
	var se *SizeError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want a *SizeError", err)
	}
	if data, _ := os.ReadFile(out); string(data) != "previous good package" {
		t.Errorf("a failed run changed the existing output")
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != 1 {
		t.Errorf("a failed run left files behind: %v", entries)
	}

	os.Remove(filepath.Join(dir, "big.bin"))
	res, err := Package(context.Background(), Options{Dir: dir, Output: out})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(out)
	if !bytes.Equal(data, packageBytes(t, dir)) || res.Files != 5 {
		t.Errorf("successful run wrote %d bytes for %d files; want the demo package", len(data), res.Files)
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
}

func TestPackageOutputInsideTheTree(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, demoDir, dir)
	out := filepath.Join(dir, "dist.zip")
	for i := 0; i < 2; i++ {
		if _, err := Package(context.Background(), Options{Dir: dir, Output: out}); err != nil {
			t.Fatal(err)
		}
	}
	data, _ := os.ReadFile(out)
	if !bytes.Equal(data, packageBytes(t, demoDir)) {
		t.Error("the second run packaged the first run's output")
	}
}

func TestPackageRefusesBrokenPlugins(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(dir string)
		wants []string
	}{
		{"missing manifest", func(dir string) { os.Remove(filepath.Join(dir, "manifest.yaml")) }, []string{"manifest.yaml does not exist"}},
		{"broken YAML", func(dir string) {
			os.WriteFile(filepath.Join(dir, "manifest.yaml"), []byte("name: demo\nlabel:\n  en_US: [x\n"), 0o644)
		}, []string{"manifest.yaml:"}},
		{"ignored provider file", func(dir string) {
			os.WriteFile(filepath.Join(dir, DifyIgnore), []byte("*.log\nendpoint.yaml\n"), 0o644)
		}, []string{"manifest.yaml:15:7", "endpoint.yaml is not packaged", ".difyignore line 2"}},
		{"missing icon", func(dir string) { os.Remove(filepath.Join(dir, "_assets", "icon.svg")) }, []string{"manifest.yaml:5:7", `plugin icon "icon.svg" not found`}},
		{"uv.lock without pyproject.toml", func(dir string) {
			os.WriteFile(filepath.Join(dir, "uv.lock"), []byte("version = 1\n"), 0o644)
		}, []string{"cannot generate requirements.txt", "pyproject.toml: not found"}},
		{"corrupt uv.lock", func(dir string) {
			os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte("[project]\nname = \"demo\"\n"), 0o644)
			os.WriteFile(filepath.Join(dir, "uv.lock"), []byte("version = 1\nrevision = =3\n"), 0o644)
		}, []string{"cannot generate requirements.txt", "uv.lock:2: not valid TOML", "uv lock"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			copyTree(t, demoDir, dir)
			c.edit(dir)
			// Validation runs while the package is compressed: neither the
			// existing package nor a temporary file may show it.
			outDir := t.TempDir()
			out := filepath.Join(outDir, "x.difypkg")
			os.WriteFile(out, []byte("previous good package"), 0o644)
			_, err := Package(context.Background(), Options{Dir: dir, Output: out})
			if err == nil {
				t.Fatal("packaging succeeded")
			}
			for _, w := range c.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if data, _ := os.ReadFile(out); string(data) != "previous good package" {
				t.Error("the existing package was replaced")
			}
			if entries, _ := os.ReadDir(outDir); len(entries) != 1 {
				t.Errorf("files left behind: %v", entries)
			}
			// What is wrong with the plugin comes before what is wrong
			// with the output path.
			_, err = Package(context.Background(), Options{Dir: dir, Output: filepath.Join(outDir, "missing", "x.difypkg")})
			if err == nil || !strings.Contains(err.Error(), c.wants[0]) {
				t.Errorf("with an output in a missing directory: %v, want the plugin's errors", err)
			}
		})
	}
}

func copyTree(t testing.TB, from, to string) {
	t.Helper()
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
}
