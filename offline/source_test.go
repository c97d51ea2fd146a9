package offline

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseSource(t *testing.T) {
	for in, want := range map[string]string{
		"marketplace:langgenius/openai@0.2.7":                                  "http://mk.test/api/v1/plugins/langgenius/openai/0.2.7/download langgenius-openai_0.2.7.difypkg",
		"https://github.com/acme/weather/releases/download/v1/weather.difypkg": "https://github.com/acme/weather/releases/download/v1/weather.difypkg weather.difypkg",
		"https://example.com/get?id=3":                                         "https://example.com/get?id=3 downloaded.difypkg",
	} {
		src, ok, err := ParseSource(in, "http://mk.test/")
		if !ok || err != nil || src.URL+" "+src.Name != want {
			t.Errorf("%s: %+v %v %v, want %s", in, src, ok, err, want)
		}
	}
	for _, bad := range []string{"marketplace:langgenius/openai", "marketplace:../x/y@1", "marketplace:a/b@1/../../x", "https://"} {
		if _, ok, err := ParseSource(bad, "http://mk.test"); !ok || err == nil {
			t.Errorf("%s: ok %v, err %v", bad, ok, err)
		}
	}
	if _, ok, _ := ParseSource("./weather.difypkg", "http://mk.test"); ok {
		t.Error("a path was taken for a source")
	}
}

// A download is a package or nothing: an error page, a file over the limit
// or a server error leave no file.
func TestDownload(t *testing.T) {
	pkg := append([]byte("PK\x03\x04"), make([]byte, 100)...)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/plugins/acme/demo/0.0.1/download":
			w.Write(pkg)
		case "/api/v1/plugins/acme/html/0.0.1/download":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html>not found</html>"))
		case "/api/v1/plugins/acme/big/0.0.1/download":
			w.Write(append([]byte("PK\x03\x04"), make([]byte, 4096)...))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	get := func(name string, max int64) (string, error) {
		src, _, err := ParseSource("marketplace:acme/"+name+"@0.0.1", srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		return Download(context.Background(), src, dir, max, Options{})
	}
	p, err := get("demo", 1<<20)
	if err != nil || filepath.Base(p) != "acme-demo_0.0.1.difypkg" {
		t.Fatalf("%s, %v", p, err)
	}
	if data, _ := os.ReadFile(p); len(data) != len(pkg) {
		t.Errorf("%d bytes kept", len(data))
	}
	for name, want := range map[string]string{
		"html":    "did not send a plugin package (text/html",
		"big":     "more than the 0 MiB a package may be",
		"missing": "404",
	} {
		if _, err := get(name, 1000); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", name, err, want)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("left in the folder: %v", entries)
	}
}
