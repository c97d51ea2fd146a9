package offline

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dify-cli/dify/internal/testdouble"
)

// A loopback index made to behave like a link to PyPI over a WAN: each
// request waits wanLatency before its first byte, and each connection
// carries at most wanRate. The benchmark builds an offline package of a
// plugin whose uv.lock names wanPackages packages (DIFY_BENCH_WAN_PACKAGES,
// 10 by default; 80 is the shape of a large plugin, 203 MB), each with a
// cp312 wheel of 0.5-2 MB for linux/amd64 and one for linux/arm64:
//
//	DIFY_BENCH_WAN_PACKAGES=80 go test -run '^$' -bench OfflineWAN -benchtime 3x ./offline
//
// dify-cold starts with an empty cache, dify-warm with the cache of a
// previous build (requests/op says how many it sent); dify-cold-requirements
// is the same plugin with a requirements.txt of the pins instead of the
// lock, resolved from the index. With DIFY_BENCH_PIP
// naming a Python that has pip, pip-download is what the repackaging
// scripts run, once per platform: pip download --only-binary=:all:
// --platform ... --python-version 3.12.
const (
	wanLatency = 60 * time.Millisecond
	wanRate    = 8 << 20 // bytes per second per connection
)

type wanServer struct {
	*httptest.Server
	files    map[string][]byte
	projects map[string][]string
	requests atomic.Int64
}

func (s *wanServer) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	time.Sleep(wanLatency)
	switch {
	case strings.HasPrefix(r.URL.Path, "/simple/"):
		project := strings.Trim(strings.TrimPrefix(r.URL.Path, "/simple/"), "/")
		files, ok := s.projects[project]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		for _, f := range files {
			fmt.Fprintf(w, `<a href="/files/%s#sha256=%s">%s</a>`+"\n", f, strings.TrimPrefix(sha(s.files[f]), "sha256:"), f)
		}
	case strings.HasPrefix(r.URL.Path, "/files/"):
		data, ok := s.files[strings.TrimPrefix(r.URL.Path, "/files/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		const chunk = 32 << 10
		pause := time.Duration(float64(chunk) / wanRate * float64(time.Second))
		for len(data) > 0 {
			n := min(chunk, len(data))
			if _, err := w.Write(data[:n]); err != nil {
				return
			}
			data = data[n:]
			time.Sleep(pause)
		}
	default:
		http.NotFound(w, r)
	}
}

// paddedWheel is a wheel pip reads (METADATA, WHEEL, RECORD) with size
// bytes of incompressible data in it.
func paddedWheel(name, version, tag string, size int, seed uint64) (string, []byte) {
	file := fmt.Sprintf("%s-%s-%s.whl", name, version, tag)
	info := fmt.Sprintf("%s-%s.dist-info", name, version)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(path string, data []byte, method uint16) {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: path, Method: method})
		w.Write(data)
	}
	pad := make([]byte, size)
	rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)}).Read(pad)
	add(name+"/__init__.py", []byte("\n"), zip.Deflate)
	add(name+"/blob.bin", pad, zip.Store)
	add(info+"/METADATA", fmt.Appendf(nil, "Metadata-Version: 2.1\nName: %s\nVersion: %s\n", name, version), zip.Deflate)
	add(info+"/WHEEL", fmt.Appendf(nil, "Wheel-Version: 1.0\nGenerator: dify-bench\nRoot-Is-Purelib: false\nTag: %s\n", tag), zip.Deflate)
	add(info+"/RECORD", nil, zip.Deflate)
	zw.Close()
	return file, buf.Bytes()
}

// wanProject writes the plugin and its index.
func wanProject(b *testing.B) (dir string, srv *wanServer, total int64) {
	n := 10
	if v, err := strconv.Atoi(os.Getenv("DIFY_BENCH_WAN_PACKAGES")); err == nil && v > 0 {
		n = v
	}
	srv = &wanServer{files: map[string][]byte{}, projects: map[string][]string{}}
	srv.Server = httptest.NewServer(http.HandlerFunc(srv.serve))
	b.Cleanup(srv.Close)
	dir = filepath.Join(b.TempDir(), "plugin")
	if err := testdouble.Write("tool", dir); err != nil {
		b.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "requirements.txt"))
	var deps, packages, reqs strings.Builder
	var names []string
	for i := range n {
		name := fmt.Sprintf("wanpkg%02d", i)
		fmt.Fprintf(&deps, "    { name = %q },\n", name)
		names = append(names, strconv.Quote(name))
		fmt.Fprintf(&reqs, "%s==1.0.0\n", name)
		fmt.Fprintf(&packages, "\n[[package]]\nname = %q\nversion = \"1.0.0\"\nsource = { registry = \"https://pypi.org/simple\" }\nwheels = [\n", name)
		size := 512<<10 + i*(1536<<10)/max(n-1, 1) // 0.5 to 2 MiB, evenly
		for j, plat := range []string{"manylinux_2_17_x86_64.manylinux2014_x86_64", "manylinux_2_17_aarch64.manylinux2014_aarch64"} {
			file, data := paddedWheel(name, "1.0.0", "cp312-cp312-"+plat, size, uint64(2*i+j))
			srv.files[file] = data
			srv.projects[name] = append(srv.projects[name], file)
			total += int64(len(data))
			fmt.Fprintf(&packages, "    { url = \"%s/files/%s\", hash = %q, size = %d },\n", srv.URL, file, sha(data), len(data))
		}
		packages.WriteString("]\n")
	}
	pyproject := fmt.Sprintf("[project]\nname = \"double\"\nversion = \"0.0.1\"\nrequires-python = \">=3.10\"\ndependencies = [%s]\n", strings.Join(names, ", "))
	lock := fmt.Sprintf("version = 1\nrevision = 2\nrequires-python = \">=3.10\"\n\n[[package]]\nname = \"double\"\nversion = \"0.0.1\"\nsource = { virtual = \".\" }\ndependencies = [\n%s]\n\n[package.metadata]\nrequires-dist = [\n%s]\n%s",
		deps.String(), deps.String(), packages.String())
	os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte(pyproject), 0o644)
	os.WriteFile(filepath.Join(dir, "uv.lock"), []byte(lock), 0o644)
	os.WriteFile(filepath.Join(dir, "requirements.wan.txt"), []byte(reqs.String()), 0o644)
	return dir, srv, total
}

func BenchmarkOfflineWAN(b *testing.B) {
	dir, srv, total := wanProject(b)
	build := func(cache string) {
		_, err := Package(context.Background(), PackageOptions{
			Options: Options{Targets: []Target{x86, arm}, CacheDir: cache},
			From:    dir, Output: filepath.Join(b.TempDir(), "offline.difypkg"),
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Run("dify-cold", func(b *testing.B) {
		b.SetBytes(total)
		for b.Loop() {
			build(b.TempDir())
		}
	})
	// The same packages named by a requirements.txt: resolved from the
	// index (the wheels' METADATA, as this index serves no metadata files).
	reqDir := filepath.Join(b.TempDir(), "plugin")
	if err := os.CopyFS(reqDir, os.DirFS(dir)); err != nil {
		b.Fatal(err)
	}
	os.Remove(filepath.Join(reqDir, "pyproject.toml"))
	os.Remove(filepath.Join(reqDir, "uv.lock"))
	os.Rename(filepath.Join(reqDir, "requirements.wan.txt"), filepath.Join(reqDir, "requirements.txt"))
	buildReqs := func(cache string) {
		_, err := Package(context.Background(), PackageOptions{
			Options: Options{Targets: []Target{x86, arm}, CacheDir: cache, IndexURL: srv.URL + "/simple"},
			From:    reqDir, Output: filepath.Join(b.TempDir(), "offline.difypkg"),
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Run("dify-cold-requirements", func(b *testing.B) {
		b.SetBytes(total)
		for b.Loop() {
			buildReqs(b.TempDir())
		}
	})
	b.Run("dify-warm-requirements", func(b *testing.B) {
		cache := b.TempDir()
		buildReqs(cache)
		srv.requests.Store(0)
		for b.Loop() {
			buildReqs(cache)
		}
		b.ReportMetric(float64(srv.requests.Load())/float64(b.N), "requests/op")
	})
	b.Run("dify-warm", func(b *testing.B) {
		cache := b.TempDir()
		build(cache)
		srv.requests.Store(0)
		for b.Loop() {
			build(cache)
		}
		b.ReportMetric(float64(srv.requests.Load())/float64(b.N), "requests/op")
	})
	py := os.Getenv("DIFY_BENCH_PIP")
	if py == "" {
		return
	}
	b.Run("pip-download", func(b *testing.B) {
		b.SetBytes(total)
		for b.Loop() {
			for _, plat := range []string{"manylinux2014_x86_64", "manylinux2014_aarch64"} {
				cmd := exec.Command(py, "-m", "pip", "download", "--no-cache-dir", "--disable-pip-version-check",
					"--only-binary=:all:", "--platform", plat, "--python-version", "3.12", "--implementation", "cp", "--abi", "cp312",
					"--index-url", srv.URL+"/simple", "-d", b.TempDir(), "-r", filepath.Join(dir, "requirements.wan.txt"))
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("pip download: %v\n%s", err, out)
				}
			}
		}
	})
}
