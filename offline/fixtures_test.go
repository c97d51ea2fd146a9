package offline

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/dify-cli/dify/internal/testdouble"
	"github.com/dify-cli/dify/internal/testwheel"
	"github.com/dify-cli/dify/uvlock/marker"
)

// wheelFile builds a real wheel.
func wheelFile(t testing.TB, name, version, tag string) (file string, data []byte) {
	t.Helper()
	return testwheel.Build(name, version, tag)
}

func sha(data []byte) string {
	s := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(s[:])
}

// server is a loopback index: /simple/NAME/ lists files (PEP 691 JSON when
// asked for, else PEP 503 HTML), /files/FILE serves them. It counts file
// downloads, and can serve other bytes than the lock says.
type server struct {
	*httptest.Server
	mu        sync.Mutex
	files     map[string][]byte // by file name
	projects  map[string][]string
	tampered  map[string][]byte
	downloads int
	pages     int
	htmlOnly  bool
	// What a file's entry says beyond its name and hash (requires-python,
	// yanked), and the METADATA served beside it (PEP 658) when pep658 is
	// set.
	info     map[string]fileInfo
	pep658   bool
	metadata int // METADATA files served
}

type fileInfo struct {
	requiresPython string
	yanked         bool
	metadata       string
}

// addWheel builds a wheel with the METADATA headers given and serves it.
func (s *server) addWheel(t testing.TB, name, version, tag string, info fileInfo, headers ...string) {
	file, data := testwheel.BuildWith(name, version, tag, headers...)
	s.add(name, file, data)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.info == nil {
		s.info = map[string]fileInfo{}
	}
	info.metadata = testwheel.Metadata(name, version, headers...)
	s.info[file] = info
}

func newServer(t testing.TB) *server {
	s := &server{files: map[string][]byte{}, projects: map[string][]string{}, tampered: map[string][]byte{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *server) add(project, file string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[file] = data
	project = marker.NormalizeName(project) // as the page's URL names it
	s.projects[project] = append(s.projects[project], file)
}

func (s *server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case strings.HasPrefix(r.URL.Path, "/files/") && strings.HasSuffix(r.URL.Path, ".whl.metadata"):
		name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/files/"), ".metadata")
		info, ok := s.info[name]
		if !s.pep658 || !ok {
			http.NotFound(w, r)
			return
		}
		s.metadata++
		io.WriteString(w, info.metadata)
	case strings.HasPrefix(r.URL.Path, "/files/"):
		name := strings.TrimPrefix(r.URL.Path, "/files/")
		data, ok := s.files[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if bad, ok := s.tampered[name]; ok {
			data = bad
		}
		s.downloads++
		w.Write(data)
	case strings.HasPrefix(r.URL.Path, "/simple/"):
		s.pages++
		project := strings.Trim(strings.TrimPrefix(r.URL.Path, "/simple/"), "/")
		files, ok := s.projects[project]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if !s.htmlOnly && strings.Contains(r.Header.Get("Accept"), "application/vnd.pypi.simple.v1+json") {
			w.Header().Set("Content-Type", "application/vnd.pypi.simple.v1+json")
			var entries []string
			for _, f := range files {
				extra := ""
				if info, ok := s.info[f]; ok {
					if info.requiresPython != "" {
						extra += fmt.Sprintf(`,"requires-python":%q`, info.requiresPython)
					}
					if info.yanked {
						extra += `,"yanked":"broken"`
					}
					if s.pep658 {
						sum := sha256.Sum256([]byte(info.metadata))
						extra += fmt.Sprintf(`,"core-metadata":{"sha256":%q}`, hex.EncodeToString(sum[:]))
					}
				}
				entries = append(entries, fmt.Sprintf(`{"filename":%q,"url":"../../files/%s","hashes":{"sha256":%q},"size":%d%s}`, f, f, strings.TrimPrefix(sha(s.files[f]), "sha256:"), len(s.files[f]), extra))
			}
			fmt.Fprintf(w, `{"meta":{"api-version":"1.1"},"name":%q,"files":[%s]}`, project, strings.Join(entries, ","))
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<!DOCTYPE html><html><body>\n")
		for _, f := range files {
			attrs := ""
			if info, ok := s.info[f]; ok {
				if info.requiresPython != "" {
					attrs += fmt.Sprintf(` data-requires-python="%s"`, html.EscapeString(info.requiresPython))
				}
				if info.yanked {
					attrs += ` data-yanked="broken"`
				}
				if s.pep658 {
					sum := sha256.Sum256([]byte(info.metadata))
					attrs += fmt.Sprintf(` data-core-metadata="sha256=%x"`, sum)
				}
			}
			fmt.Fprintf(w, `<a href="/files/%s#sha256=%s"%s>%s</a><br/>`+"\n", f, strings.TrimPrefix(sha(s.files[f]), "sha256:"), attrs, f)
		}
		fmt.Fprint(w, "</body></html>\n")
	default:
		http.NotFound(w, r)
	}
}

func (s *server) counts() (downloads, pages int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.downloads, s.pages
}

// lockPackage is one [[package]] of a test uv.lock.
type lockPackage struct {
	name, version string
	source        string   // a TOML inline table; registry by default
	wheels        []string // tags
	sdist         bool
	marker        string // the project's dependency marker
}

// project writes a plugin (the tool double's declarations) with a
// pyproject.toml and a uv.lock whose wheels the server holds.
func project(t testing.TB, srv *server, base string, pkgs []lockPackage) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "plugin")
	if err := testdouble.Write("tool", dir); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "main.py"), []byte("print('offline')\n"), 0o644)
	os.Remove(filepath.Join(dir, "requirements.txt"))

	var deps, requires, packages strings.Builder
	var names []string
	for _, p := range pkgs {
		m := ""
		if p.marker != "" {
			m = fmt.Sprintf(", marker = %q", p.marker)
		}
		fmt.Fprintf(&deps, "    { name = %q%s },\n", p.name, m)
		fmt.Fprintf(&requires, "    { name = %q%s },\n", p.name, m)
		dep := p.name
		if p.marker != "" {
			dep += " ; " + p.marker
		}
		names = append(names, fmt.Sprintf("%q", dep))
		source := p.source
		if source == "" {
			source = `{ registry = "https://pypi.org/simple" }`
		}
		fmt.Fprintf(&packages, "\n[[package]]\nname = %q\nversion = %q\nsource = %s\n", p.name, p.version, source)
		if p.sdist {
			data := []byte("sdist of " + p.name)
			file := fmt.Sprintf("%s-%s.tar.gz", p.name, p.version)
			srv.add(p.name, file, data)
			fmt.Fprintf(&packages, "sdist = { url = \"%s/files/%s\", hash = %q, size = %d }\n", base, file, sha(data), len(data))
		}
		if len(p.wheels) > 0 {
			packages.WriteString("wheels = [\n")
			for _, tag := range p.wheels {
				file, data := wheelFile(t, p.name, p.version, tag)
				srv.add(p.name, file, data)
				fmt.Fprintf(&packages, "    { url = \"%s/files/%s\", hash = %q, size = %d },\n", base, file, sha(data), len(data))
			}
			packages.WriteString("]\n")
		}
	}
	pyproject := fmt.Sprintf("[project]\nname = \"double\"\nversion = \"0.0.1\"\nrequires-python = \">=3.10\"\ndependencies = [%s]\n\n[dependency-groups]\ndev = []\n", strings.Join(names, ", "))
	lock := fmt.Sprintf("version = 1\nrevision = 2\nrequires-python = \">=3.10\"\n\n[[package]]\nname = \"double\"\nversion = \"0.0.1\"\nsource = { virtual = \".\" }\ndependencies = [\n%s]\n\n[package.metadata]\nrequires-dist = [\n%s]\n\n[package.metadata.requires-dev]\ndev = []\n%s",
		deps.String(), requires.String(), packages.String())
	os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte(pyproject), 0o644)
	os.WriteFile(filepath.Join(dir, "uv.lock"), []byte(lock), 0o644)
	return dir
}
