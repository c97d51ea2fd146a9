package pack

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/klauspost/compress/flate"
)

// Archive is an opened .difypkg. Its Reader is an fs.FS of the package's
// files; opening a file through Archive.Open rather than Reader adds the
// checks below.
type Archive struct {
	*zip.Reader
	Path string
	// Declared is the sum of the uncompressed sizes the entries declare.
	Declared int64
	closer   io.Closer
	// oversize is set when Declared is over the limit the archive was
	// opened with; no content is read from such an archive.
	oversize *SizeError
}

// OpenArchive opens a package file, checks that its entries are what the
// daemon can read unambiguously (see CheckEntries) and that they declare at
// most maxSize bytes uncompressed (≤ 0: DefaultMaxSize), as the daemon
// checks before it reads anything. Nothing is allocated from a declared size.
func OpenArchive(name string, maxSize int64) (*Archive, error) {
	arc, err := openArchive(name, maxSize)
	if err != nil {
		return nil, err
	}
	if arc.oversize != nil {
		arc.Close()
		return nil, fmt.Errorf("%s: %w", name, arc.oversize)
	}
	return arc, nil
}

// openArchive is OpenArchive that keeps an oversized archive open, for a
// plan to report the size as a finding.
func openArchive(name string, maxSize int64) (*Archive, error) {
	f, err := os.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s does not exist", name)
		}
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
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s is %s, not a package file", name, describeMode(st.Mode()))
	}
	arc, err := NewArchive(f, st.Size(), maxSize)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	arc.Path, arc.closer = name, f
	return arc, nil
}

// NewArchive reads a package from r, with the checks of OpenArchive except
// that the size check is left to the caller through SizeErr.
func NewArchive(r io.ReaderAt, size, maxSize int64) (*Archive, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("not a valid package (a .difypkg is a zip archive): %v", err)
	}
	zr.RegisterDecompressor(zip.Deflate, newInflater)
	if err := CheckEntries(zr); err != nil {
		return nil, err
	}
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	arc := &Archive{Reader: zr}
	var files []File
	for _, f := range zr.File {
		n := declaredSize(f)
		arc.Declared = addSizes(arc.Declared, n)
		files = append(files, File{Path: f.Name, Size: n})
	}
	if arc.Declared > maxSize {
		arc.oversize = newSizeError(maxSize, arc.Declared, files)
		arc.oversize.Declared = true
	}
	return arc, nil
}

// declaredSize is the size an entry's header claims, as an int64.
func declaredSize(f *zip.File) int64 {
	return int64(min(f.UncompressedSize64, math.MaxInt64))
}

// addSizes adds with saturation: 2^63 bytes declared twice must not wrap
// around to a small total.
func addSizes(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// SizeErr reports an archive whose entries declare more than its limit.
func (p *Archive) SizeErr() error {
	if p.oversize == nil {
		return nil
	}
	return p.oversize
}

// Open opens a file of the package (fs.FS). Reading an entry whose data is
// damaged fails with a *DamagedError; nothing is read from an archive over
// its size limit.
func (p *Archive) Open(name string) (fs.File, error) {
	if p.oversize != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: p.oversize}
	}
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
	case errors.As(err, new(flate.CorruptInputError)):
		why = "its compressed data is invalid"
	case errors.Is(err, io.ErrUnexpectedEOF):
		why = "its compressed data is cut short"
	case errors.Is(err, zip.ErrFormat):
		why = "its header is invalid, or its data is longer than its header says"
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

// CheckEntries rejects archives the daemon would read differently from other
// zip tools or not at all: directory entries, absolute names, names with `..`
// or `\`, names that are not UTF-8, and two entries with the same (cleaned)
// name.
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
		case !utf8.ValidString(name):
			return fmt.Errorf("entry %q has a name that is not valid UTF-8, which the daemon cannot open", name)
		}
		clean := path.Clean(name)
		if clean == "." {
			return fmt.Errorf("an entry has an empty name")
		}
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

// Inflaters are pooled: each holds a decoder's tables and window and a
// read buffer.
var inflaters sync.Pool

// inflater decodes a deflated entry. Its input is buffered 64 KiB at a
// time: archive/zip reads an entry from a section of the file, and the
// decoder's own 4 KiB buffer would make a system call of every 4 KiB.
type inflater struct {
	in  *bufio.Reader
	dec io.ReadCloser
}

func newInflater(r io.Reader) io.ReadCloser {
	z, ok := inflaters.Get().(*inflater)
	if !ok {
		z = &inflater{in: bufio.NewReaderSize(r, 64<<10)}
		z.dec = flate.NewReader(z.in)
		return z
	}
	z.in.Reset(r)
	z.dec.(flate.Resetter).Reset(z.in, nil)
	return z
}

func (z *inflater) Read(p []byte) (int, error) {
	if z.in == nil {
		return 0, fs.ErrClosed
	}
	return z.dec.Read(p)
}

// Close returns the inflater to the pool; the entry's file stays open.
func (z *inflater) Close() error {
	if z.in == nil {
		return nil
	}
	z.in.Reset(nil)
	inflaters.Put(&inflater{in: z.in, dec: z.dec})
	z.in, z.dec = nil, nil
	return nil
}
