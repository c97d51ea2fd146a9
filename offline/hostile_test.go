package offline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dify-cli/dify/internal/peak"
	"github.com/dify-cli/dify/internal/testdouble"
	"github.com/dify-cli/dify/pack"
)

// oneWheelProject writes a plugin whose uv.lock has one package, six
// 1.0.0, with the given wheels array (TOML).
func oneWheelProject(t testing.TB, wheels string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "plugin")
	if err := testdouble.Write("tool", dir); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "requirements.txt"))
	pyproject := "[project]\nname = \"double\"\nversion = \"0.0.1\"\nrequires-python = \">=3.10\"\ndependencies = [\"six\"]\n\n[dependency-groups]\ndev = []\n"
	lock := "version = 1\nrevision = 2\nrequires-python = \">=3.10\"\n\n[[package]]\nname = \"double\"\nversion = \"0.0.1\"\nsource = { virtual = \".\" }\ndependencies = [{ name = \"six\" }]\n\n[package.metadata]\nrequires-dist = [{ name = \"six\" }]\n\n[package.metadata.requires-dev]\ndev = []\n\n[[package]]\nname = \"six\"\nversion = \"1.0.0\"\nsource = { registry = \"https://pypi.org/simple\" }\nwheels = [" + wheels + "]\n"
	os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte(pyproject), 0o644)
	os.WriteFile(filepath.Join(dir, "uv.lock"), []byte(lock), 0o644)
	return dir
}

// A lock whose file names are paths writes nothing anywhere: not outside
// the cache, not inside it.
func TestHostileLockWritesNothing(t *testing.T) {
	srv := newServer(t)
	file, data := wheelFile(t, "six", "1.0.0", "py3-none-any")
	srv.add("six", file, data)
	root := t.TempDir()
	victim := filepath.Join(root, "victim")
	cache := filepath.Join(root, "cache", "wheels")
	for name, wheels := range map[string]string{
		"filename": fmt.Sprintf(`{ url = "%s/files/%s", filename = "../../../victim/six-1.0.0-py3-none-any.whl", hash = %q, size = %d }`, srv.URL, file, sha(data), len(data)),
		"escaped":  fmt.Sprintf(`{ url = "%s/files/..%%2F..%%2F..%%2Fvictim%%2Fsix-1.0.0-py3-none-any.whl", hash = %q, size = %d }`, srv.URL, sha(data), len(data)),
		"hash":     fmt.Sprintf(`{ url = "%s/files/%s", hash = "sha256:/./././../../../victim%s", size = %d }`, srv.URL, file, strings.Repeat("/", 64-len("/./././../../../victim")), len(data)),
	} {
		t.Run(name, func(t *testing.T) {
			dir := oneWheelProject(t, wheels)
			out := filepath.Join(t.TempDir(), "out.difypkg")
			o := Options{Targets: []Target{x86}, CacheDir: cache}
			_, err := Package(context.Background(), PackageOptions{Options: o, From: dir, Output: out})
			if err == nil || !strings.Contains(err.Error(), "uv.lock:") || !strings.Contains(err.Error(), "regenerate it with `uv lock`") {
				t.Fatalf("err = %v", err)
			}
			for _, p := range []string{victim, filepath.Join(root, "cache"), out} {
				if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s was written", p)
				}
			}
			if d, _ := srv.counts(); d != 0 {
				t.Errorf("%d downloads", d)
			}
		})
	}
}

// FuzzCachePath holds the cache's paths inside the cache, whatever a lock
// or an index says a file's name and hash are.
func FuzzCachePath(f *testing.F) {
	good := "sha256:" + strings.Repeat("0f", 32)
	f.Add("six-1.0.0-py3-none-any.whl", good)
	f.Add("../six-1.0.0-py3-none-any.whl", good)
	f.Add("six-1.0.0-py3-none-any.whl", "sha256:/./././../../victim"+strings.Repeat("/", 42))
	f.Add("..-..-..-..-...whl", good)
	f.Add("six-1.0.0-1-py3-none-any.whl", "SHA256:"+strings.Repeat("0F", 32))
	f.Fuzz(func(t *testing.T, name, hash string) {
		if w, err := ParseWheel(name); err == nil {
			if !filepath.IsLocal(name) || filepath.Base(name) != name || w.File != name {
				t.Fatalf("ParseWheel accepts %q, which is not one file name", name)
			}
		}
		dir := filepath.Join("/cache", "wheels")
		p := cachePath(dir, &File{Name: name, Hash: hash})
		if p == "" {
			return
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || !filepath.IsLocal(rel) || strings.Count(rel, string(filepath.Separator)) != 2 || filepath.Base(p) != name {
			t.Fatalf("cachePath(%q, %q) = %s, outside %s or not dir/ab/hash/NAME", name, hash, p, dir)
		}
	})
}

// hostileServer serves one wheel in a chosen bad way at /files/NAME, and
// counts what it wrote.
type hostileServer struct {
	*httptest.Server
	written atomic.Int64
}

func newHostileServer(t *testing.T, h func(s *hostileServer, w http.ResponseWriter, r *http.Request)) *hostileServer {
	s := &hostileServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h(s, w, r) }))
	t.Cleanup(s.Close)
	return s
}

// endless writes zeros until the client goes away.
func (s *hostileServer) endless(w http.ResponseWriter) {
	buf := make([]byte, 64<<10)
	for {
		n, err := w.Write(buf)
		s.written.Add(int64(n))
		if err != nil {
			return
		}
	}
}

func fetchOne(t *testing.T, o Options, url string, size int64, hash string) (*File, error) {
	t.Helper()
	f := &File{Name: "six-1.0.0-py3-none-any.whl", Package: "six", Version: "1.0.0", URL: url, Size: size, Hash: hash}
	sel := &Selection{Source: "uv.lock", Files: []*File{f}}
	if o.CacheDir == "" {
		o.CacheDir = t.TempDir()
	}
	if o.Backoff == 0 {
		o.Backoff = time.Millisecond
	}
	return f, Fetch(context.Background(), sel, o)
}

// A wheel the lock says is 953 bytes is read up to 954 bytes, however much
// the server sends.
func TestDownloadStopsAtTheDeclaredSize(t *testing.T) {
	srv := newHostileServer(t, func(s *hostileServer, w http.ResponseWriter, r *http.Request) { s.endless(w) })
	cache := t.TempDir()
	_, err := fetchOne(t, Options{CacheDir: cache}, srv.URL+"/files/six-1.0.0-py3-none-any.whl", 953, "sha256:"+strings.Repeat("ab", 32))
	var he *HashError
	if !errors.As(err, &he) || !strings.Contains(err.Error(), "larger than the 953 bytes the lock says") || !strings.Contains(err.Error(), "stopped reading") {
		t.Fatalf("err = %v", err)
	}
	srv.Close() // waits for the handler, so that its count is final
	if n := srv.written.Load(); n > 32<<20 {
		t.Errorf("the server wrote %d bytes before dify stopped reading", n)
	}
	filepath.WalkDir(cache, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("%s is left in the cache", p)
		}
		return nil
	})
}

// A Content-Length over the declared size is refused before the body.
func TestDownloadRefusesALongerContentLength(t *testing.T) {
	srv := newHostileServer(t, func(s *hostileServer, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "5000000000")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("x"))
	})
	_, err := fetchOne(t, Options{}, srv.URL+"/files/six-1.0.0-py3-none-any.whl", 953, "")
	if err == nil || !strings.Contains(err.Error(), "5000000000 bytes or more") {
		t.Fatalf("err = %v", err)
	}
}

// A server that stops sending mid-body fails the build with its URL
// instead of hanging it.
func TestDownloadStalledMidBody(t *testing.T) {
	var attempts atomic.Int32
	srv := newHostileServer(t, func(s *hostileServer, w http.ResponseWriter, r *http.Request) {
		attempts.Add(1)
		w.Header().Set("Content-Length", "1000")
		w.Write(make([]byte, 500))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	_, err := fetchOne(t, Options{Timeouts: Timeouts{Idle: 50 * time.Millisecond}}, srv.URL+"/files/six-1.0.0-py3-none-any.whl", 1000, "")
	var te *TimeoutError
	if !errors.As(err, &te) || te.What != "no data" || !strings.Contains(err.Error(), srv.URL+"/files/six-1.0.0-py3-none-any.whl: no data for 50ms") {
		t.Fatalf("err = %v", err)
	}
	if n := attempts.Load(); n != 4 {
		t.Errorf("%d attempts, want 4 (a stall is tried again)", n)
	}
}

// An index that never answers a page's request fails with its URL.
func TestIndexPageStalled(t *testing.T) {
	srv := newHostileServer(t, func(s *hostileServer, w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	dir := filepath.Join(t.TempDir(), "plugin")
	if err := testdouble.Write("tool", dir); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("six==1.0.0\n"), 0o644)
	o := Options{Targets: []Target{x86}, CacheDir: t.TempDir(), IndexURL: srv.URL + "/simple", Backoff: time.Millisecond,
		Timeouts: Timeouts{Header: 50 * time.Millisecond}}
	sel, err := Select(context.Background(), pack.DiskFiles(dir), o)
	if err != nil {
		t.Fatal(err)
	}
	msg := fmt.Sprint(sel.Err())
	if !strings.Contains(msg, srv.URL+"/simple/six/: no response for 50ms") || !strings.Contains(msg, "--index-url") {
		t.Errorf("Err() = %s", msg)
	}
}

// listenOn starts a server on a given loopback address.
func listenOn(t *testing.T, addr string, h http.Handler) *httptest.Server {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// A redirect to another host is followed, and said.
func TestRedirectToAnotherHostIsSaid(t *testing.T) {
	file, data := wheelFile(t, "six", "1.0.0", "py3-none-any")
	other := listenOn(t, "127.0.0.2:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(data) }))
	srv := newHostileServer(t, func(s *hostileServer, w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	})
	var mu sync.Mutex
	var warnings []string
	f, err := fetchOne(t, Options{Warn: func(s string) { mu.Lock(); warnings = append(warnings, s); mu.Unlock() }},
		srv.URL+"/files/"+file, int64(len(data)), sha(data))
	if err != nil {
		t.Fatal(err)
	}
	if f.From != "download" {
		t.Errorf("the wheel came from %s", f.From)
	}
	host := strings.TrimPrefix(other.URL, "http://")
	if len(warnings) != 1 || !strings.Contains(warnings[0], "redirects to another host, "+host) || !strings.Contains(warnings[0], "checked against their sha256") {
		t.Errorf("warnings: %q", warnings)
	}
}

// A redirect loop ends with the hosts it went between.
func TestRedirectLoopNamesTheHost(t *testing.T) {
	var attempts atomic.Int32
	srv := newHostileServer(t, func(s *hostileServer, w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/files/six-1.0.0-py3-none-any.whl" {
			attempts.Add(1)
		}
		http.Redirect(w, r, "/loop"+r.URL.Path, http.StatusFound)
	})
	_, err := fetchOne(t, Options{}, srv.URL+"/files/six-1.0.0-py3-none-any.whl", 10, "")
	host := strings.TrimPrefix(srv.URL, "http://")
	if err == nil || !strings.Contains(err.Error(), "redirected 10 times") || !strings.Contains(err.Error(), "from "+host+" to "+host) || !strings.Contains(err.Error(), "redirect loop") {
		t.Fatalf("err = %v", err)
	}
	if n := attempts.Load(); n != 1 {
		t.Errorf("%d attempts: a redirect loop is not tried again", n)
	}
}

// Links that are not http or https are refused at once, without a retry.
func TestOnlyHTTPLinksAreFollowed(t *testing.T) {
	w := (&Options{Backoff: time.Hour}).web()
	for _, link := range []string{"file:///etc/passwd", "javascript:alert(1)", "ftp://files.example/x.whl", "//no-scheme/x.whl"} {
		calls := 0
		err := w.retry(context.Background(), func() error {
			calls++
			resp, err := w.open(context.Background(), link, "")
			if err == nil {
				resp.Body.Close()
			}
			return err
		})
		if err == nil || calls != 1 || !strings.Contains(err.Error(), "only http and https links are followed") {
			t.Errorf("%s: %d calls, err = %v", link, calls, err)
		}
	}
}

// hugePage serves a project page of about 60 MB: anchors of other
// versions, then the one wheel asked for.
func hugePage(json bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if json {
			const n = 350000 // × ~170 bytes
			w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
			io.WriteString(w, `{"meta":{"api-version":"1.1"},"name":"six","files":[`)
			for i := range n {
				fmt.Fprintf(w, `{"filename":"six-0.%d-py3-none-any.whl","url":"/f/six-0.%d-py3-none-any.whl","hashes":{"sha256":"%064x"}},`, i, i, i)
			}
			io.WriteString(w, `{"filename":"six-1.0.0-py3-none-any.whl","url":"/f/six-1.0.0-py3-none-any.whl","hashes":{}}]}`)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		const n = 400000 // × ~150 bytes
		for i := range n {
			fmt.Fprintf(w, `<a href="/f/six-0.%d-py3-none-any.whl#sha256=%064x">six-0.%d-py3-none-any.whl</a><br/>`+"\n", i, i, i)
		}
		io.WriteString(w, `<a href="/f/six-1.0.0-py3-none-any.whl">six-1.0.0-py3-none-any.whl</a>`)
	})
}

// A 60 MB index page is read as a stream: what is held is the wheels of
// the version asked for, not the page.
func TestHugeIndexPageMemory(t *testing.T) {
	for _, kind := range []string{"html", "json"} {
		if peak.Child("huge-page-" + kind) {
			srv := httptest.NewServer(hugePage(kind == "json"))
			defer srv.Close()
			ix := &index{url: srv.URL + "/simple", web: (&Options{}).web()}
			files, err := ix.files(context.Background(), "six", "1.0.0")
			if err != nil || len(files) != 1 || files[0].Name != "six-1.0.0-py3-none-any.whl" {
				t.Fatalf("files = %v, %v", files, err)
			}
			return
		}
	}
	if testing.Short() {
		t.Skip("streams 60 MB pages")
	}
	for _, kind := range []string{"html", "json"} {
		rss := peak.Measure(t, "TestHugeIndexPageMemory", "huge-page-"+kind)
		t.Logf("%s: peak %d MiB", kind, rss>>20)
		if rss > 100<<20 {
			t.Errorf("reading a 60 MB %s page held %d MiB at its peak", kind, rss>>20)
		}
	}
}

// A page over the limit is refused with its size, not read to the end.
func TestIndexPageOverTheLimit(t *testing.T) {
	srv := newHostileServer(t, func(s *hostileServer, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		line := []byte(strings.Repeat(`<a href="/f/six-0.1-py3-none-any.whl">six-0.1-py3-none-any.whl</a>`+"\n", 1000))
		for {
			if _, err := w.Write(line); err != nil {
				return
			}
		}
	})
	ix := &index{url: srv.URL + "/simple", web: (&Options{}).web()}
	_, err := ix.files(context.Background(), "six", "1.0.0")
	if err == nil || !strings.Contains(err.Error(), "larger than 64 MiB") {
		t.Fatalf("err = %v", err)
	}
}

// A download cut short by SIGKILL leaves its temporary file; the next
// build that downloads clears it.
func TestKilledDownloadsAreCleared(t *testing.T) {
	file, data := wheelFile(t, "six", "1.0.0", "py3-none-any")
	srv := newHostileServer(t, func(s *hostileServer, w http.ResponseWriter, r *http.Request) { w.Write(data) })
	cache := t.TempDir()
	gone := exec.Command(os.Args[0], "-test.run=^$")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	left := filepath.Join(cache, fmt.Sprintf(".download-%d-123", gone.Process.Pid))
	mine := filepath.Join(cache, fmt.Sprintf(".download-%d-456", os.Getpid()))
	for _, p := range []string{left, mine} {
		os.WriteFile(p, []byte("half a wheel"), 0o644)
	}
	if _, err := fetchOne(t, Options{CacheDir: cache}, srv.URL+"/files/"+file, int64(len(data)), sha(data)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(left); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s is still there", left)
	}
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("a running process's download was removed: %v", err)
	}
}

// A download cut off midway is resumed where it stopped when the server
// takes a Range request, and started again when it does not; either way the
// file is whole and checked.
func TestCutDownloadResumes(t *testing.T) {
	data := make([]byte, 300<<10)
	for i := range data {
		data[i] = byte(i * 7)
	}
	for _, ranges := range []bool{true, false} {
		var served atomic.Int64
		var ranged atomic.Int32
		first := true
		var mu sync.Mutex
		srv := newHostileServer(t, func(s *hostileServer, w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			cut := first
			first = false
			mu.Unlock()
			if cut {
				// Half the file, then the connection drops.
				w.Header().Set("Content-Length", strconv.Itoa(len(data)))
				w.WriteHeader(http.StatusOK)
				w.Write(data[:len(data)/2])
				served.Add(int64(len(data) / 2))
				w.(http.Flusher).Flush()
				panic(http.ErrAbortHandler)
			}
			if r.Header.Get("Range") != "" {
				ranged.Add(1)
			}
			if !ranges {
				r.Header.Del("Range")
			}
			cw := &countingWriter{ResponseWriter: w, n: &served}
			http.ServeContent(cw, r, "six.whl", time.Time{}, bytes.NewReader(data))
		})
		f, err := fetchOne(t, Options{}, srv.URL+"/files/six-1.0.0-py3-none-any.whl", int64(len(data)), sha(data))
		if err != nil {
			t.Fatalf("ranges %v: %v", ranges, err)
		}
		if got, _ := os.ReadFile(f.Local); !bytes.Equal(got, data) {
			t.Fatalf("ranges %v: the file kept is not the file served", ranges)
		}
		if ranged.Load() == 0 {
			t.Errorf("ranges %v: the second request asked for no range", ranges)
		}
		if ranges && served.Load() > int64(len(data))+int64(len(data))/10 {
			t.Errorf("a resumed download served %d bytes of a %d-byte file", served.Load(), len(data))
		}
		if !ranges && served.Load() < int64(len(data))*3/2 {
			t.Errorf("a server without ranges served only %d bytes", served.Load())
		}
	}
}

type countingWriter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.ResponseWriter.Write(b)
	c.n.Add(int64(n))
	return n, err
}
