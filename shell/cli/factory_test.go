package cli

import (
	"archive/zip"
	"bytes"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dify-cli/dify/internal/testdouble"
	"github.com/dify-cli/dify/internal/testwheel"
	"github.com/dify-cli/dify/sign"
)

// serveFiles is an HTTP transport that answers from memory: no network.
type serveFiles map[string][]byte

func (f serveFiles) RoundTrip(r *http.Request) (*http.Response, error) {
	data, ok := f[r.URL.String()]
	if !ok {
		return &http.Response{StatusCode: http.StatusNotFound, Status: "404 Not Found", Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
	}
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Body: io.NopCloser(bytes.NewReader(data)), ContentLength: int64(len(data)), Request: r}, nil
}

// An offline package made through the Factory: its HTTP client, its cache
// directory and its clock, with no network, no real cache and no real
// time.
func TestOfflinePackageThroughTheFactory(t *testing.T) {
	file, wheel := testwheel.Build("six", "1.0.0", "py3-none-any")
	url := "https://files.example/" + file
	sum := sha256.Sum256(wheel)
	dir := filepath.Join(t.TempDir(), "plug")
	if err := testdouble.Write("tool", dir); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "requirements.txt"))
	os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte("[project]\nname = \"double\"\nversion = \"0.0.1\"\nrequires-python = \">=3.10\"\ndependencies = [\"six\"]\n\n[dependency-groups]\ndev = []\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "uv.lock"), []byte(fmt.Sprintf(`version = 1
revision = 2
requires-python = ">=3.10"

[[package]]
name = "double"
version = "0.0.1"
source = { virtual = "." }
dependencies = [{ name = "six" }]

[package.metadata]
requires-dist = [{ name = "six" }]

[package.metadata.requires-dev]
dev = []

[[package]]
name = "six"
version = "1.0.0"
source = { registry = "https://pypi.org/simple" }
wheels = [{ url = %q, hash = "sha256:%s", size = %d }]
`, url, hex.EncodeToString(sum[:]), len(wheel))), 0o644)

	key, err := sign.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "k.private.pem")
	os.WriteFile(keyFile, sign.EncodePrivateKey(key), 0o600)

	cache := t.TempDir()
	when := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	var stderr bytes.Buffer
	s := &Streams{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &stderr, Getenv: func(string) string { return "" },
		Factory: &Factory{
			HTTPClient:   func() *http.Client { return &http.Client{Transport: serveFiles{url: wheel}} },
			Now:          func() time.Time { return when },
			UserCacheDir: func() (string, error) { return cache, nil },
			LookPath:     func(string) (string, error) { return "", errors.New("no programs here") },
		}}
	out := filepath.Join(t.TempDir(), "plug-offline.difypkg")
	if code := Main([]string{"plugin", "package", "--offline", dir, "-o", out, "--sign", keyFile, "--category", "community"}, s); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	if matches, _ := filepath.Glob(filepath.Join(cache, "dify", "wheels", "*", "*", file)); len(matches) != 1 {
		t.Errorf("the wheel is not in the Factory's cache directory: %v", matches)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	v, err := sign.Verify(zr, []*rsa.PublicKey{&key.PublicKey})
	if err != nil || !v.Time.Equal(when) {
		t.Errorf("signed at %v (%v), want the Factory's clock %v", v, err, when)
	}
	if _, err := zr.Open("wheels/" + file); err != nil {
		t.Errorf("the package lacks the wheel: %v", err)
	}
}
