package offline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/dify-cli/dify/depfile"
	"github.com/dify-cli/dify/internal/stale"
	"github.com/dify-cli/dify/uvlock"
)

// Progress is how far the downloads are.
type Progress struct {
	Files, TotalFiles int
	Bytes, TotalBytes int64 // bytes downloaded of those to download; TotalBytes 0 when unknown
	Downloads         int   // files that had to be downloaded
}

// HashError is a file whose content is not what the lock or index says.
type HashError struct {
	File       string
	Want, Got  string
	Where      string // the URL or path read
	SizeWant   int64
	SizeGot    int64
	sizeDiffer bool
	cut        bool // reading stopped past SizeWant: SizeGot is a lower bound
}

func (e *HashError) Error() string {
	if e.cut {
		return fmt.Sprintf("%s from %s is larger than the %d bytes the lock says (%d bytes or more); stopped reading: the file was changed, or the server sends something else", e.File, e.Where, e.SizeWant, e.SizeGot)
	}
	if e.sizeDiffer {
		return fmt.Sprintf("%s from %s is %d bytes, not the %d the lock says: the file was changed or cut short", e.File, e.Where, e.SizeGot, e.SizeWant)
	}
	return fmt.Sprintf("%s from %s has sha256 %s, not the %s expected: the file was changed or corrupted", e.File, e.Where, strings.TrimPrefix(e.Got, "sha256:"), strings.TrimPrefix(e.Want, "sha256:"))
}

// Fetch makes every file of the selection available on disk (File.Local):
// from the wheelhouse, from the cache, or downloaded (several at once, each
// checked against its size and sha256, and kept in the cache by hash).
// The first failure stops the rest.
func Fetch(ctx context.Context, s *Selection, o Options) error {
	if o.CacheDir == "" {
		return fmt.Errorf("no cache directory for downloaded wheels")
	}
	workers := o.Workers
	if workers <= 0 {
		workers = DefaultWorkers
	}
	w := o.web()
	var mirror *index
	if o.IndexURL != "" && s.Source != depfile.Requirements {
		mirror = &index{url: o.IndexURL, web: w}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	p := &progress{report: o.Progress, state: Progress{TotalFiles: len(s.Files)}}
	var todo []*File
	for _, f := range s.Files {
		switch {
		case f.House != "":
			if err := checkFile(f, f.House); err != nil {
				return err
			}
			f.Local, f.From = f.House, "wheelhouse"
			p.fileDone()
		case f.Hash != "" && cached(o.CacheDir, f) != "":
			f.Local, f.From = cached(o.CacheDir, f), "cache"
			if f.Size == 0 {
				// The index said no size: the package's size limit needs it.
				st, err := os.Stat(f.Local)
				if err != nil {
					return err
				}
				f.Size = st.Size()
			}
			p.fileDone()
		default:
			todo = append(todo, f)
			p.state.Downloads++
			p.state.TotalBytes += f.Size
		}
	}
	p.send()
	if len(todo) == 0 {
		return nil
	}
	if err := os.MkdirAll(o.CacheDir, 0o755); err != nil {
		return err
	}
	// Downloads a killed run left half-written.
	stale.Remove(o.CacheDir, downloadPrefix)

	var mu sync.Mutex // the mirror's page cache
	jobs := make(chan *File)
	var wg sync.WaitGroup
	for range min(workers, len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range jobs {
				if ctx.Err() != nil {
					continue
				}
				if err := download(ctx, w, o.CacheDir, mirror, &mu, f, p); err != nil {
					cancel(err)
				}
			}
		}()
	}
	for _, f := range todo {
		jobs <- f
	}
	close(jobs)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return nil
}

// downloadPrefix names the files a download writes before it is checked.
const downloadPrefix = ".download-"

// maxWheel bounds a download whose size nothing says beforehand.
const maxWheel = 4 << 30

// cachePath is where a file with a known hash is kept: dir/ab/abcd…/NAME.
// It is built from checked parts only (a hex hash, a wheel file name) and
// is "" for anything else, so that no lock or index can name a path
// outside dir.
func cachePath(dir string, f *File) string {
	if dir == "" || !uvlock.ValidHash(f.Hash) {
		return ""
	}
	if _, err := ParseWheel(f.Name); err != nil {
		return ""
	}
	h := strings.ToLower(strings.TrimPrefix(f.Hash, "sha256:"))
	rel := filepath.Join(h[:2], h, f.Name)
	if !filepath.IsLocal(rel) {
		return ""
	}
	return filepath.Join(dir, rel)
}

func cached(dir string, f *File) string {
	p := cachePath(dir, f)
	if p == "" {
		return ""
	}
	if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && (f.Size == 0 || st.Size() == f.Size) {
		return p
	}
	return ""
}

// checkFile verifies a local file against what the lock says of it, and
// fills in its hash and size.
func checkFile(f *File, path string) error {
	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer in.Close()
	h := sha256.New()
	n, err := io.Copy(h, in)
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	got := "sha256:" + hex.EncodeToString(h.Sum(nil))
	if f.Hash != "" && !strings.EqualFold(f.Hash, got) {
		return &HashError{File: f.Name, Want: f.Hash, Got: got, Where: path}
	}
	f.Hash, f.Size = got, n
	return nil
}

func download(ctx context.Context, w *web, dir string, mirror *index, mu *sync.Mutex, f *File, p *progress) error {
	url, want := f.URL, f.Hash
	if mirror != nil {
		mu.Lock()
		files, err := mirror.files(ctx, f.Package, f.Version)
		mu.Unlock()
		if err != nil {
			return fmt.Errorf("looking up %s in %s: %w", f.Package, mirror.url, err)
		}
		url = ""
		for _, x := range files {
			if x.Name == f.Name {
				url = x.URL
				if want == "" {
					want = x.Hash
				} else if x.Hash != "" && !strings.EqualFold(x.Hash, want) {
					return &HashError{File: f.Name, Want: want, Got: x.Hash, Where: mirror.url}
				}
			}
		}
		if url == "" {
			return fmt.Errorf("%s does not list %s (needed for %s %s)", mirror.url, f.Name, f.Package, f.Version)
		}
	}
	if url == "" {
		return fmt.Errorf("nothing says where %s is", f.Name)
	}
	// The most to read: what the lock says, and one byte more to tell a
	// longer file.
	limit := int64(maxWheel)
	if f.Size > maxWheel {
		return fmt.Errorf("%s: the lock says it is %d bytes, more than the %d GiB a wheel may be here", f.Name, f.Size, maxWheel>>30)
	}
	if f.Size > 0 {
		limit = f.Size
	}
	// One temporary file for every attempt: a connection cut off midway is
	// resumed where it stopped (a Range request) when the server allows,
	// and the hash goes on from where it was.
	tmp, err := os.CreateTemp(dir, stale.Pattern(downloadPrefix))
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha256.New()
	var n int64 // bytes in tmp, all hashed
	restart := func() error {
		p.undo(n)
		n = 0
		h.Reset()
		if _, err := tmp.Seek(0, io.SeekStart); err != nil {
			return err
		}
		return tmp.Truncate(0)
	}
	err = w.retry(ctx, func() error {
		resp, err := w.openFrom(ctx, url, "", n)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		switch {
		case n > 0 && resp.StatusCode == http.StatusPartialContent && resumesAt(resp, n):
		case n > 0 && resp.StatusCode == http.StatusRequestedRangeNotSatisfiable:
			// Asked past the end: the file changed, or was whole already.
			if err := restart(); err != nil {
				return permanent(err)
			}
			return errors.New(url + ": the server cannot resume the download; starting again")
		default:
			if err := statusError(resp, url); err != nil {
				return err
			}
			if n > 0 {
				if err := restart(); err != nil {
					return permanent(err)
				}
			}
		}
		if resp.ContentLength > 0 && n+resp.ContentLength > limit {
			return permanent(tooLong(f, url, n+resp.ContentLength, limit))
		}
		var got int64
		body := io.TeeReader(&counting{r: io.LimitReader(resp.Body, limit+1-n), n: &got, p: p}, h)
		_, err = io.Copy(tmp, body)
		n += got
		if err != nil {
			return err // what came is kept, and asked for no more
		}
		if n > limit {
			return permanent(tooLong(f, url, n, limit))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	got := "sha256:" + hex.EncodeToString(h.Sum(nil))
	if f.Size > 0 && n != f.Size {
		return &HashError{File: f.Name, Where: url, SizeWant: f.Size, SizeGot: n, sizeDiffer: true}
	}
	if want != "" && !strings.EqualFold(want, got) {
		return &HashError{File: f.Name, Want: want, Got: got, Where: url}
	}
	f.Hash, f.Size = got, n
	dest := cachePath(dir, f)
	if dest == "" {
		return fmt.Errorf("%q is not a wheel file name to keep in the cache", f.Name)
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), dest); err != nil {
		return err
	}
	f.Local, f.From = dest, "download"
	p.fileDone()
	return nil
}

// resumesAt reports whether a 206 answer starts at offset.
func resumesAt(resp *http.Response, offset int64) bool {
	var start int64
	_, err := fmt.Sscanf(resp.Header.Get("Content-Range"), "bytes %d-", &start)
	return err == nil && start == offset
}

// tooLong is a download larger than it may be; reading stopped there.
func tooLong(f *File, url string, got, limit int64) error {
	if f.Size > 0 {
		return &HashError{File: f.Name, Where: url, SizeWant: f.Size, SizeGot: got, sizeDiffer: true, cut: true}
	}
	return fmt.Errorf("%s from %s is larger than %d GiB; stopped reading", f.Name, url, limit>>30)
}

// counting reports bytes as they arrive.
type counting struct {
	r io.Reader
	n *int64
	p *progress
}

func (c *counting) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	*c.n += int64(n)
	c.p.bytes(int64(n))
	return n, err
}

type progress struct {
	mu     sync.Mutex
	report func(Progress)
	state  Progress
}

func (p *progress) fileDone() {
	p.mu.Lock()
	p.state.Files++
	p.mu.Unlock()
	p.send()
}

func (p *progress) bytes(n int64) {
	p.mu.Lock()
	p.state.Bytes += n
	p.mu.Unlock()
	p.send()
}

// undo takes back the bytes of a failed attempt that is tried again.
func (p *progress) undo(n int64) { p.bytes(-n) }

func (p *progress) send() {
	if p.report == nil {
		return
	}
	p.mu.Lock()
	s := p.state
	p.mu.Unlock()
	p.report(s)
}
