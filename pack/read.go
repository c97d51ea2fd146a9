package pack

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"

	"github.com/dify-cli/dify/internal/inflate"
)

// Archive is an opened .difypkg. Its Reader is an fs.FS of the package's files.
type Archive struct {
	*zip.Reader
	Path   string
	closer io.Closer
}

// Open opens a file of the package (fs.FS). Reading an entry whose data is
// damaged fails with a *DamagedError.
func (p *Archive) Open(name string) (fs.File, error) {
	f, err := p.Reader.Open(name)
	if err != nil {
		return nil, err
	}
	if _, isDir := f.(fs.ReadDirFile); isDir {
		return f, nil
	}
	return &entryFile{File: f}, nil
}

type entryFile struct{ fs.File }

func (f *entryFile) Read(b []byte) (int, error) {
	n, err := f.File.Read(b)
	var why string
	switch {
	case errors.Is(err, zip.ErrChecksum):
		why = "its CRC-32 does not match its content"
	case errors.Is(err, inflate.ErrCorrupt):
		why = "its compressed data is invalid"
	case errors.Is(err, io.ErrUnexpectedEOF):
		why = "its compressed data is cut short"
	case errors.Is(err, zip.ErrFormat):
		why = "its header is invalid"
	default:
		return n, err
	}
	return n, &DamagedError{Why: why, Err: err}
}

// DamagedError reports an entry of a package that cannot be read back as it
// was written.
type DamagedError struct {
	Why string
	Err error
}

func (e *DamagedError) Error() string {
	return "the entry is damaged (" + e.Why + "); download the package again or package the plugin anew"
}

func (e *DamagedError) Unwrap() error { return e.Err }

// Close closes the underlying file.
func (p *Archive) Close() error {
	if p.closer == nil {
		return nil
	}
	return p.closer.Close()
}

// OpenArchive opens a package file and checks that its entries are what the
// daemon can read unambiguously (see CheckEntries).
func OpenArchive(name string) (*Archive, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s is a directory, not a package", name)
	}
	zr, err := zip.NewReader(f, st.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s is not a valid package (a .difypkg is a zip archive): %v", name, err)
	}
	zr.RegisterDecompressor(zip.Deflate, newInflater)
	if err := CheckEntries(zr); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &Archive{Reader: zr, Path: name, closer: f}, nil
}

// CheckEntries rejects archives the daemon would read differently from other
// zip tools or not at all: directory entries, absolute names, names with `..`
// or `\`, and two entries with the same (cleaned) name.
func CheckEntries(zr *zip.Reader) error {
	seen := map[string]bool{}
	for _, f := range zr.File {
		name := f.Name
		switch {
		case strings.HasSuffix(name, "/"):
			return fmt.Errorf("entry %q is a directory entry, which the daemon cannot read; repackage with `dify plugin package`", name)
		case strings.Contains(name, `\`):
			return fmt.Errorf("entry %q contains a backslash, which the daemon cannot read", name)
		case strings.HasPrefix(name, "/"):
			return fmt.Errorf("entry %q has an absolute path", name)
		}
		clean := path.Clean(name)
		if clean == ".." || strings.HasPrefix(clean, "../") {
			return fmt.Errorf("entry %q points outside the package", name)
		}
		if seen[clean] {
			return fmt.Errorf("entry %q appears more than once; the daemon would use the first and most unzip tools the last", clean)
		}
		seen[clean] = true
		if f.Method != zip.Store && f.Method != zip.Deflate {
			return fmt.Errorf("entry %q uses compression method %d; the daemon reads only stored and deflated entries", name, f.Method)
		}
	}
	return nil
}

// Inflaters are pooled: each one holds its buffers and decoding tables.
var inflaters sync.Pool

// newInflater decodes deflated entries with internal/inflate, which is about
// twice as fast as the general-purpose decoders; reading a package is
// mostly inflating it.
func newInflater(r io.Reader) io.ReadCloser {
	if z, ok := inflaters.Get().(*inflate.Reader); ok {
		z.Reset(r)
		return &pooledInflater{z}
	}
	return &pooledInflater{inflate.NewReader(r)}
}

type pooledInflater struct{ *inflate.Reader }

func (p *pooledInflater) Close() error {
	if p.Reader == nil {
		return nil
	}
	p.Reader.Reset(nil)
	inflaters.Put(p.Reader)
	p.Reader = nil
	return nil
}

// ReadArchive reads a package held in memory, with the same checks as OpenArchive.
func ReadArchive(data []byte) (*Archive, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("not a valid package (a .difypkg is a zip archive): %v", err)
	}
	zr.RegisterDecompressor(zip.Deflate, newInflater)
	if err := CheckEntries(zr); err != nil {
		return nil, err
	}
	return &Archive{Reader: zr}, nil
}
