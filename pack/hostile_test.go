package pack

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dify-cli/dify/checksum"
	"github.com/dify-cli/dify/internal/hostile"
	"github.com/dify-cli/dify/manifest"
)

// validManifest is enough of a plugin for the reading paths to go on.
var validManifest = []byte("version: 0.0.1\ntype: plugin\nauthor: acme\nname: demo\n")

// countingReader counts the bytes read from a package, to show that a
// refused package is refused before its data is read.
type countingReader struct {
	r io.ReaderAt
	n atomic.Int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

func readHostile(t *testing.T, data []byte) (*Plan, *countingReader) {
	t.Helper()
	r := &countingReader{r: bytes.NewReader(data)}
	p, err := ReadPackage("hostile.difypkg", r, int64(len(data)), PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return p, r
}

// findings returns the rules of the findings about file.
func findingsFor(ds manifest.Diagnostics, file string) []string {
	var rules []string
	for _, d := range ds {
		if d.Pos.File == file {
			rules = append(rules, d.Rule)
		}
	}
	return rules
}

// An entry whose header claims a huge size (a zip64 extra costs nothing to
// write) is refused from its header: nothing is allocated from the claim
// and nothing is read.
func TestForgedSizesAreRefusedUnread(t *testing.T) {
	for _, c := range []struct {
		name  string
		entry string
		size  uint64
		shown string
	}{
		{"2^62 bytes on manifest.yaml", "manifest.yaml", 1 << 62, "4.0 EiB"},
		{"40 GiB on main.py", "main.py", 40 << 30, "40.0 GiB"},
		{"2^64-1 bytes", "main.py", 1<<64 - 1, "8.0 EiB"},
	} {
		t.Run(c.name, func(t *testing.T) {
			entries := []hostile.Entry{{Name: "manifest.yaml", Data: validManifest}, {Name: "main.py", Data: []byte("print(1)\n")}}
			for i := range entries {
				if entries[i].Name == c.entry {
					entries[i].Size = c.size
				}
			}
			data := hostile.Zip("", entries...)
			p, r := readHostile(t, data)
			before := r.n.Load()
			ds := p.Check()
			if got := findingsFor(ds, c.entry); len(got) != 1 || got[0] != "size" || len(ds) != 1 {
				t.Fatalf("findings %v; want one size finding at %s", ds, c.entry)
			}
			if !strings.Contains(ds[0].Message, c.shown) {
				t.Errorf("message %q does not show the declared %s", ds[0].Message, c.shown)
			}
			if r.n.Load() != before {
				t.Errorf("checking read %d bytes of a package refused by its headers", r.n.Load()-before)
			}
			var se *SizeError
			if !errors.As(p.Err(), &se) || !se.Declared {
				t.Errorf("Err() = %v, want a *SizeError about declared sizes", p.Err())
			}
			if _, err := checksum.Sum(p); err == nil {
				t.Error("the checksum of an oversized package was computed")
			}
			if m, _ := manifest.Load(p); m != nil {
				t.Error("manifest.yaml of an oversized package was read")
			}
		})
	}
}

// The same through a file: OpenArchive refuses before reading data.
func TestOpenArchiveRefusesForgedSizes(t *testing.T) {
	name := filepath.Join(t.TempDir(), "forged.difypkg")
	os.WriteFile(name, hostile.Zip("", hostile.Entry{Name: "manifest.yaml", Data: validManifest, Size: 1 << 62}), 0o644)
	_, err := OpenArchive(name, 0)
	var se *SizeError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "manifest.yaml") || !strings.Contains(err.Error(), "Dify refuses it") {
		t.Errorf("OpenArchive: %v", err)
	}
}

// A gibibyte of zeros from a small deflate stream, declared honestly, is
// refused by its declared size before a byte of it is inflated.
func TestBombIsRefusedUnread(t *testing.T) {
	raw, crc := hostile.Bomb(1 << 30)
	data := hostile.Zip("", hostile.Entry{Name: "manifest.yaml", Data: validManifest},
		hostile.Entry{Name: "main.py", Raw: raw, Deflate: true, CRC: &crc, Size: 1 << 30})
	p, r := readHostile(t, data)
	before := r.n.Load()
	ds := p.Check()
	if got := findingsFor(ds, "main.py"); len(got) != 1 || got[0] != "size" {
		t.Fatalf("findings %v; want a size finding at main.py", ds)
	}
	if r.n.Load() != before {
		t.Errorf("read %d bytes of the bomb", r.n.Load()-before)
	}
}

// A bomb that lies about its size, declaring a kilobyte, is read only as far
// as its header allows and reported as damaged.
func TestUnderstatedBombIsDamaged(t *testing.T) {
	raw, crc := hostile.Bomb(64 << 20)
	data := hostile.Zip("", hostile.Entry{Name: "manifest.yaml", Data: validManifest},
		hostile.Entry{Name: "main.py", Raw: raw, Deflate: true, CRC: &crc, Size: 1024})
	p, _ := readHostile(t, data)
	ds := p.Check()
	if got := findingsFor(ds, "main.py"); len(got) != 1 || got[0] != "damaged" {
		t.Fatalf("findings %v; want main.py damaged", ds)
	}
	if _, err := checksum.Sum(p); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("checksum: %v", err)
	}
}

// Damage that only reading finds: validation reads every entry in full.
func TestDamagedEntriesAreFound(t *testing.T) {
	bad := uint32(0xdeadbeef)
	long := bytes.Repeat([]byte("print('hello')\n"), 400)
	for _, c := range []struct {
		name  string
		entry hostile.Entry
		why   string
	}{
		{"bad CRC, deflated", hostile.Entry{Name: "main.py", Data: long, Deflate: true, CRC: &bad}, "CRC-32"},
		{"bad CRC, stored", hostile.Entry{Name: "main.py", Data: long, CRC: &bad}, "CRC-32"},
		{"cut-short stream", hostile.Entry{Name: "main.py", Data: long, Deflate: true, Cut: 10}, "cut short"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := hostile.Zip("", hostile.Entry{Name: "manifest.yaml", Data: validManifest}, c.entry)
			p, _ := readHostile(t, data)
			var found *manifest.Diagnostic
			for _, d := range p.Check() {
				if d.Rule == "damaged" {
					found = &d
				}
			}
			if found == nil || found.Pos.File != "main.py" || !strings.Contains(found.Message, c.why) {
				t.Fatalf("damaged finding %+v; want one at main.py saying %q", found, c.why)
			}
		})
	}
}

// A YAML file under the package limit but far larger than any declaration
// is not decoded.
func TestLargeYAMLIsNotDecoded(t *testing.T) {
	huge := append(append([]byte(nil), validManifest...), []byte("x: "+strings.Repeat("y", 5<<20)+"\n")...)
	data := hostile.Zip("", hostile.Entry{Name: "manifest.yaml", Data: huge, Deflate: true})
	p, _ := readHostile(t, data)
	ds := p.Check()
	if len(ds) != 1 || ds[0].Rule != "file-size" || !strings.Contains(ds[0].Message, "5.0 MiB") {
		t.Fatalf("findings %v; want one file-size finding", ds)
	}
}

// A directory over the limit is refused before anything is parsed, and a
// manifest.yaml of 60 MiB is named as the largest file.
func TestOversizedDirectoryIsNotParsed(t *testing.T) {
	dir := t.TempDir()
	f, _ := os.Create(filepath.Join(dir, "manifest.yaml"))
	f.Write(validManifest)
	f.Truncate(60 << 20)
	f.Close()
	p, err := OpenDir(dir, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ds := p.Check()
	if len(ds) != 1 || ds[0].Rule != "size" || ds[0].Pos.File != "manifest.yaml" {
		t.Fatalf("findings %v; want only the size", ds)
	}
	out := filepath.Join(t.TempDir(), "x.difypkg")
	_, err = Package(context.Background(), Options{Dir: dir, Output: out})
	var se *SizeError
	if !errors.As(err, &se) {
		t.Errorf("Package: %v, want a *SizeError", err)
	}
}

// The tool's own temporary files, stale or being written by another run,
// are never packaged.
func TestTemporaryFilesAreNeverPackaged(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, demoDir, dir)
	for _, n := range []string{".demo.difypkg.tmp-2147483646-1", ".x.difypkg.tmp-12345", ".manifest.yaml.tmp-99-1"} {
		os.WriteFile(filepath.Join(dir, n), []byte("half a package"), 0o644)
	}
	p, err := OpenDir(dir, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range p.Files {
		if strings.Contains(f.Path, ".tmp-") {
			t.Errorf("%s is in the plan", f.Path)
		}
	}
	want, _ := OpenDir(demoDir, PlanOptions{})
	a, _ := checksum.Sum(p)
	b, _ := checksum.Sum(want)
	if a != b {
		t.Error("temporary files changed the checksum")
	}
}

// Cancelling (as a signal does) stops writing and leaves nothing behind:
// neither the package nor a temporary file.
func TestCancelledPackagingLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, demoDir, dir)
	writeBlob(t, filepath.Join(dir, "big.bin"), 3<<20)
	outDir := t.TempDir()
	out := filepath.Join(outDir, "demo.difypkg")
	ctx, cancel := context.WithCancelCause(context.Background())
	stop := errors.New("SIGTERM")
	_, err := Package(ctx, Options{Dir: dir, Output: out, NoValidate: true, Progress: func(Progress) { cancel(stop) }})
	if !errors.Is(err, stop) {
		t.Fatalf("err = %v, want the cancellation cause", err)
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

func writeBlob(t *testing.T, name string, size int) {
	t.Helper()
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i*7919 ^ i>>8)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Reading an entry and writing it out (WriteTo, the fast path checksums
// and validation take) accept the same entries, with the same content,
// and refuse the same damage for the same reason.
func TestWriteToFindsWhatReadFinds(t *testing.T) {
	bad := uint32(0xdeadbeef)
	long := bytes.Repeat([]byte("print('hello')\n"), 400)
	bomb, bombCRC := hostile.Bomb(8 << 20)
	garbage := bytes.Repeat([]byte{0xff, 0x13, 0x37}, 100)
	for _, c := range []struct {
		name  string
		entry hostile.Entry
		why   string // "" when the entry is sound
	}{
		{"deflated", hostile.Entry{Data: long, Deflate: true}, ""},
		{"stored", hostile.Entry{Data: long}, ""},
		{"empty, deflated", hostile.Entry{Data: []byte{}, Deflate: true}, ""},
		{"data descriptor, deflated", hostile.Entry{Data: long, Deflate: true, Descriptor: true}, ""},
		{"data descriptor, stored", hostile.Entry{Data: long, Descriptor: true}, ""},
		{"bad CRC, deflated", hostile.Entry{Data: long, Deflate: true, CRC: &bad}, "CRC-32"},
		{"bad CRC, stored", hostile.Entry{Data: long, CRC: &bad}, "CRC-32"},
		{"bad descriptor CRC, deflated", hostile.Entry{Data: long, Deflate: true, Descriptor: true, DescriptorCRC: &bad}, "CRC-32"},
		{"cut-short stream", hostile.Entry{Data: long, Deflate: true, Cut: 10}, "cut short"},
		{"size overstated", hostile.Entry{Data: long, Deflate: true, Size: uint64(len(long)) + 1}, "cut short"},
		{"size understated", hostile.Entry{Data: long, Deflate: true, Size: uint64(len(long)) - 1}, "longer than its header"},
		{"understated bomb", hostile.Entry{Raw: bomb, Deflate: true, CRC: &bombCRC, Size: 1024}, "longer than its header"},
		{"not deflate data", hostile.Entry{Raw: garbage, Deflate: true, CRC: &bad, Size: 100}, "invalid"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.entry.Name = "main.py"
			data := hostile.Zip("", c.entry)
			arc, err := NewArchive(bytes.NewReader(data), int64(len(data)), 0)
			if err != nil {
				t.Fatal(err)
			}
			read := func(t *testing.T, viaWriteTo bool) ([]byte, error) {
				f, err := arc.Open("main.py")
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				var out bytes.Buffer
				if viaWriteTo {
					_, err = f.(io.WriterTo).WriteTo(&out)
				} else {
					_, err = io.Copy(&out, struct{ io.Reader }{f})
				}
				return out.Bytes(), err
			}
			for _, viaWriteTo := range []bool{false, true} {
				got, err := read(t, viaWriteTo)
				var damaged *DamagedError
				switch {
				case c.why == "" && err != nil:
					t.Errorf("WriteTo=%v: %v", viaWriteTo, err)
				case c.why == "" && !bytes.Equal(got, c.entry.Data):
					t.Errorf("WriteTo=%v: read %d bytes, want the %d written", viaWriteTo, len(got), len(c.entry.Data))
				case c.why != "" && (!errors.As(err, &damaged) || !strings.Contains(damaged.Why, c.why)):
					t.Errorf("WriteTo=%v: err = %v, want damage: %q", viaWriteTo, err, c.why)
				case c.why != "" && len(got) > 1<<20:
					t.Errorf("WriteTo=%v: wrote %d bytes of a damaged entry", viaWriteTo, len(got))
				}
			}
		})
	}
}
