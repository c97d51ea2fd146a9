package pack

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"sort"
	"sync"
	"unicode/utf8"

	"github.com/klauspost/compress/flate"
)

// DefaultMaxSize is the daemon's default limit on a package's uncompressed
// size (MAX_PLUGIN_PACKAGE_SIZE): 50 MiB.
const DefaultMaxSize int64 = 50 << 20

// Files up to memLimit bytes are compressed in memory by the worker pool;
// larger ones are streamed by the writer itself. Memory therefore stays
// below about 2 × workers × memLimit, whatever the size of the plugin.
const memLimit = 1 << 20

// deflateLevel is for files streamed because they are larger than memLimit
// (smaller ones go through deflateSmall). Level 2 of klauspost/compress: on
// plugin sources about 40% faster than level 5 for at most 8% more bytes.
// Packaging is run far more often than a package is downloaded, and the
// daemon limits the unpacked size, not the package's.
const deflateLevel = 2

// WriteOptions tune Write.
type WriteOptions struct {
	// MaxSize caps the sum of the uncompressed file sizes, in bytes. Values
	// ≤ 0 mean DefaultMaxSize. Equality is allowed, as in the daemon.
	MaxSize int64
	// Workers is the number of files compressed at once; ≤ 0 means one per
	// CPU. The output does not depend on it.
	Workers int
	// Progress, when set, is called after each entry is written.
	Progress func(Progress)
}

// Progress reports how far Write has come.
type Progress struct {
	Files, TotalFiles int
	Bytes, TotalBytes int64
}

// Write writes every regular file of fsys (normally a *Plan) to w as a zip
// archive that the Dify daemon reads: entries in byte order of their slash
// paths, no directory entries, no timestamps and no modes, so that the same
// files always give the same bytes. Entries are deflated, or stored when
// deflating does not make them smaller. Files are compressed in parallel and
// read one at a time each. Write stops with ctx's error when ctx is done.
func Write(ctx context.Context, w io.Writer, fsys fs.FS, opts WriteOptions) error {
	limit := opts.MaxSize
	if limit <= 0 {
		limit = DefaultMaxSize
	}
	files, err := List(fsys)
	if err != nil {
		return err
	}
	var total int64
	for _, f := range files {
		total += f.Size
	}
	if total > limit {
		return newSizeError(limit, total, files)
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}

	results := compressAll(fsys, files, workers)
	defer results.stop()

	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, newDeflater)
	p := Progress{TotalFiles: len(files), TotalBytes: total}
	var written int64
	for i, f := range files {
		if err := context.Cause(ctx); err != nil {
			return err
		}
		r := results.get(i)
		if r.err != nil {
			return r.err
		}
		if r.stream {
			n, err := streamEntry(ctx, zw, fsys, f.Path, limit-written)
			written += n
			if errors.Is(err, errTooLarge) {
				return newSizeError(limit, written+1, files)
			}
			if err != nil {
				return err
			}
		} else {
			written += r.size
			if written > limit {
				return newSizeError(limit, written, files)
			}
			if err := writeRaw(zw, f.Path, r); err != nil {
				return err
			}
			r.release()
		}
		if opts.Progress != nil {
			p.Files, p.Bytes = i+1, written
			opts.Progress(p)
		}
	}
	return zw.Close()
}

// header returns the entry header every package uses: no time, no extra
// fields, no modes, version 2.0, and the UTF-8 flag for non-ASCII names.
func header(name string, method uint16) *zip.FileHeader {
	fh := &zip.FileHeader{Name: name, Method: method, CreatorVersion: 20, ReaderVersion: 20}
	if !isASCII(name) && utf8.ValidString(name) {
		fh.Flags |= 0x800
	}
	return fh
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func writeRaw(zw *zip.Writer, name string, r *compressed) error {
	fh := header(name, r.method)
	fh.CRC32 = r.crc
	fh.UncompressedSize64 = uint64(r.size)
	fh.CompressedSize64 = uint64(len(r.data()))
	ew, err := zw.CreateRaw(fh)
	if err != nil {
		return err
	}
	_, err = ew.Write(r.data())
	return err
}

var errTooLarge = errors.New("over the size limit")

// sampleSize is how much of a large file is test-compressed to choose
// between deflate and store.
const sampleSize = 64 << 10

// streamEntry copies a large file into the archive without holding it in
// memory, failing once more than budget bytes have been read. Whether it is
// stored or deflated depends on how well its first bytes compress.
func streamEntry(ctx context.Context, zw *zip.Writer, fsys fs.FS, p string, budget int64) (int64, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sample := make([]byte, sampleSize)
	n, err := io.ReadFull(f, sample)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return 0, fmt.Errorf("reading %s: %w", p, err)
	}
	sample = sample[:n]
	method := zip.Deflate
	if !shrinks(sample) {
		method = zip.Store
	}
	ew, err := zw.CreateHeader(header(p, method))
	if err != nil {
		return 0, err
	}
	src := io.MultiReader(bytes.NewReader(sample), f)
	copied, err := io.Copy(ew, io.LimitReader(cancelable{ctx, src}, budget+1))
	if err != nil {
		return copied, fmt.Errorf("reading %s: %w", p, err)
	}
	if copied > budget {
		return copied, errTooLarge
	}
	return copied, nil
}

// cancelable stops a long copy when its context is done.
type cancelable struct {
	ctx context.Context
	r   io.Reader
}

func (c cancelable) Read(p []byte) (int, error) {
	if err := context.Cause(c.ctx); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// shrinks reports whether deflating data saves at least 3%.
func shrinks(data []byte) bool {
	if len(data) == 0 {
		return false
	}
	var out countWriter
	deflateSmall(&out, data)
	return out.n < int64(len(data))*97/100
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// deflateSmall deflates a file held in memory (at most memLimit bytes)
// with klauspost's stateless encoder: about as fast and as small as level 1,
// and its hash table lives on the stack. A level encoder's tables (0.5–1 MB
// each) are fresh pages in a process that packages one small plugin, and
// first-touching them cost more than compressing.
func deflateSmall(w io.Writer, data []byte) {
	flate.StatelessDeflate(w, data, true, nil)
}

var deflaters sync.Pool

func getDeflater(w io.Writer) *flate.Writer {
	if fw, ok := deflaters.Get().(*flate.Writer); ok {
		fw.Reset(w)
		return fw
	}
	fw, _ := flate.NewWriter(w, deflateLevel)
	return fw
}

func putDeflater(fw *flate.Writer) { deflaters.Put(fw) }

// newDeflater is the zip compressor for streamed entries; it returns its
// flate writer to the pool when the entry is closed.
func newDeflater(w io.Writer) (io.WriteCloser, error) {
	return &pooledDeflater{fw: getDeflater(w)}, nil
}

type pooledDeflater struct{ fw *flate.Writer }

func (d *pooledDeflater) Write(p []byte) (int, error) { return d.fw.Write(p) }
func (d *pooledDeflater) Close() error {
	err := d.fw.Close()
	putDeflater(d.fw)
	return err
}

// List returns the regular files of fsys with their sizes, sorted by path.
func List(fsys fs.FS) ([]File, error) {
	if p, ok := fsys.(*Plan); ok {
		return append([]File(nil), p.Files...), nil
	}
	var files []File
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return fmt.Errorf("%s is not a regular file", p)
		}
		files = append(files, File{Path: p, Size: info.Size()})
		return nil
	})
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, err
}
