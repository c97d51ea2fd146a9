package pack

import (
	"archive/zip"
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
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
	r        io.ReaderAt
	entries  map[string]*zip.File // by name; CheckEntries makes names unique
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
	arc := &Archive{Reader: zr, r: r, entries: make(map[string]*zip.File, len(zr.File))}
	var files []File
	for _, f := range zr.File {
		arc.entries[f.Name] = f
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
	if zf := p.entries[name]; zf != nil && fs.ValidPath(name) {
		return &entryFile{arc: p, zf: zf}, nil
	}
	// Not an entry's name: a directory, or nothing.
	return p.Reader.Open(name)
}

// entryFile is an entry of a package opened for reading; archive/zip opens
// it on the first Read, or WriteTo decodes it in one go.
type entryFile struct {
	arc *Archive
	zf  *zip.File
	rc  io.ReadCloser
}

func (f *entryFile) Stat() (fs.FileInfo, error) { return f.zf.FileInfo(), nil }

func (f *entryFile) Read(b []byte) (int, error) {
	if f.rc == nil {
		rc, err := f.zf.Open()
		if err != nil {
			return 0, damaged(err)
		}
		f.rc = rc
	}
	n, err := f.rc.Read(b)
	return n, damaged(err)
}

func (f *entryFile) Close() error {
	if f.rc == nil {
		return nil
	}
	return f.rc.Close()
}

// damaged explains an error from reading an entry as a *DamagedError, or
// returns err as it is when the entry is not to blame.
func damaged(err error) error {
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
		return err
	}
	return &DamagedError{Why: why, Err: err}
}

// WriteTo writes the entry's content to w. A deflated entry is decoded
// straight into w from the decoder's window, without the copy through a
// read buffer that Read makes (checksumming or validating a package is
// mostly this); a stored one is copied through the pooled input buffer. It checks what archive/zip's reader checks: that the entry
// holds exactly the size its header declares (stopping as soon as it holds
// more), its CRC-32, and a data descriptor's CRC-32.
func (f *entryFile) WriteTo(w io.Writer) (int64, error) {
	if f.rc != nil || f.zf.Method != zip.Deflate && f.zf.Method != zip.Store {
		return io.Copy(w, struct{ io.Reader }{f}) // what Read has begun, it finishes
	}
	zf := f.zf
	raw, err := zf.OpenRaw()
	if err != nil {
		return 0, damaged(err)
	}
	z := getInflater()
	defer z.Close()
	z.in.Reset(raw)
	out := &checkedWriter{w: w, crc: crc32.NewIEEE(), limit: zf.UncompressedSize64}
	if zf.Method == zip.Deflate {
		z.dec.(flate.Resetter).Reset(z.in, nil)
		_, err = z.dec.(io.WriterTo).WriteTo(out)
	} else {
		_, err = z.in.WriteTo(out)
	}
	switch {
	case out.over:
		err = zip.ErrFormat
	case err == nil && out.n != zf.UncompressedSize64:
		err = io.ErrUnexpectedEOF
	case err == nil && zf.Flags&0x8 != 0:
		err = f.checkDescriptor(out.crc.Sum32())
	case err == nil && zf.CRC32 != 0 && out.crc.Sum32() != zf.CRC32:
		err = zip.ErrChecksum
	}
	return int64(out.n), damaged(err)
}

// checkDescriptor reads the data descriptor after the entry's data, as
// archive/zip does: its CRC-32 must be the central directory's, and so must
// the content's.
func (f *entryFile) checkDescriptor(sum uint32) error {
	off, err := f.zf.DataOffset()
	if err != nil {
		return err
	}
	var b [16]byte
	n, err := f.arc.r.ReadAt(b[:], off+int64(f.zf.CompressedSize64))
	d := b[:n]
	if len(d) >= 4 && binary.LittleEndian.Uint32(d) == 0x08074b50 { // the optional signature
		d = d[4:]
	}
	if len(d) < 12 { // CRC-32 and two 32-bit sizes
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	if binary.LittleEndian.Uint32(d) != f.zf.CRC32 || sum != f.zf.CRC32 {
		return zip.ErrChecksum
	}
	return nil
}

// checkedWriter passes an entry's content to w, computing its CRC-32 and
// refusing more than limit bytes.
type checkedWriter struct {
	w     io.Writer
	crc   hash.Hash32
	n     uint64
	limit uint64
	over  bool
}

func (c *checkedWriter) Write(b []byte) (int, error) {
	if c.n+uint64(len(b)) > c.limit {
		c.over = true
		return 0, zip.ErrFormat
	}
	c.n += uint64(len(b))
	c.crc.Write(b)
	return c.w.Write(b)
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

// newInflater is archive/zip's decompressor for deflated entries.
func newInflater(r io.Reader) io.ReadCloser {
	z := getInflater()
	z.in.Reset(r)
	z.dec.(flate.Resetter).Reset(z.in, nil)
	return z
}

// getInflater takes an inflater from the pool, or makes one.
func getInflater() *inflater {
	if z, ok := inflaters.Get().(*inflater); ok {
		return z
	}
	in := bufio.NewReaderSize(nil, 64<<10)
	return &inflater{in: in, dec: flate.NewReader(in)}
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
