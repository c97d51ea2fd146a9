package bundle

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dify-cli/dify/checksum"
	"github.com/dify-cli/dify/pack"
)

func TestPatterns(t *testing.T) {
	for _, p := range []string{"langgenius/openai:1.0.0/openai.difypkg", "a_b/c-d:^1.2.3/x.difypkg", "a/b:~0.0.1/y", "a/b:1.x.x/z", "a/b:1.0.0-2.0.0/z"} {
		if err := CheckGitHub(p); err != nil {
			t.Errorf("GitHub %s: %v", p, err)
		}
	}
	for _, p := range []string{"langgenius/openai", "Org/repo:1.0.0/a", "a/b:1.0/x", "a/b:1.0.0", "a/b:1.0.0/x/y"} {
		if CheckGitHub(p) == nil {
			t.Errorf("GitHub pattern %s accepted", p)
		}
	}
	for _, p := range []string{"langgenius/openai:^1.0.0", "a/b:1.0.0", "a/b:X.x.x"} {
		if err := CheckMarketplace(p); err != nil {
			t.Errorf("Marketplace %s: %v", p, err)
		}
	}
	for _, p := range []string{"langgenius/openai", "a/b:latest", "a/b:1.0.0/x"} {
		if CheckMarketplace(p) == nil {
			t.Errorf("Marketplace pattern %s accepted", p)
		}
	}
	d := Dependency{Type: GitHub, Value: map[string]string{"repo_pattern": "acme/tools:^1.2.0/tools.difypkg"}}
	if p := d.Parse(3); p.Organization != "acme" || p.Plugin != "tools" || p.Version != "^1.2.0" || p.Asset != "tools.difypkg" || p.Repo != "https://github.com/acme/tools" || p.Index != 3 {
		t.Errorf("parsed %+v", p)
	}
}

// Names, authors and versions follow the plugin rules, including the
// daemon's refusal of an author that is a UUID.
func TestProfileRules(t *testing.T) {
	if err := (Profile{Name: "tools", Author: "acme", Description: "d"}).Validate(); err != nil {
		t.Error(err)
	}
	for _, p := range []Profile{
		{Name: "Tools", Author: "acme", Description: "d"},
		{Name: "tools", Author: "ACME", Description: "d"},
		{Name: "tools", Author: "0123456789abcdef0123456789abcdef", Description: "d"},
		{Name: "tools", Author: "acme", Description: " "},
	} {
		if err := p.Validate(); err == nil {
			t.Errorf("%+v accepted", p)
		}
	}
	if err := CheckName("Bad"); err == nil || !strings.Contains(err.Error(), "bundle name") {
		t.Errorf("name: %v", err)
	}
	if CheckVersion("1.0") == nil || CheckVersion("0.0.2") != nil {
		t.Error("version rule")
	}
}

// demoPackage packages the repository's demo plugin.
func demoPackage(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "demo.difypkg")
	if _, err := pack.Package(context.Background(), pack.Options{Dir: "../testdata/plugins/demo", Output: out}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestEditAndPackage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tools")
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	if err := Init(dir, Profile{Name: "tools", Author: "acme", Description: "Everyday tools"}, now); err != nil {
		t.Fatal(err)
	}
	if err := Init(dir, Profile{Name: "tools", Author: "acme", Description: "again"}, now); err == nil {
		t.Error("Init wrote into an existing bundle")
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AppendGitHub("acme/weather:1.0.0/weather.difypkg"); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendGitHub("acme/weather:1.0.0/weather.difypkg"); err == nil {
		t.Error("a duplicate dependency was added")
	}
	if err := s.AppendMarketplace("langgenius/openai:^1.0.0"); err != nil {
		t.Fatal(err)
	}
	pkg := demoPackage(t)
	sum, err := s.AppendPackage(pkg)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := func() (string, error) {
		arc, err := pack.OpenArchive(pkg, 0)
		if err != nil {
			return "", err
		}
		defer arc.Close()
		return checksum.Sum(arc)
	}()
	if sum != want {
		t.Errorf("stored under %s, want the package's checksum %s", sum, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "_assets", sum)); err != nil {
		t.Errorf("the package is not stored: %v", err)
	}
	parsed, err := s.Analyze()
	if err != nil || len(parsed) != 3 || parsed[2].Type != Package || parsed[2].Size == 0 {
		t.Fatalf("analyze: %+v, %v", parsed, err)
	}
	if err := s.Bump("0.1.0"); err != nil {
		t.Fatal(err)
	}
	if err := s.Bump("1.0"); err == nil {
		t.Error("a bad version was accepted")
	}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}

	// Packing twice gives the same bytes; the packed bundle reads back.
	out1, out2 := filepath.Join(t.TempDir(), "a.difybndl"), filepath.Join(t.TempDir(), "b.difybndl")
	if err := s.Package(out1); err != nil {
		t.Fatal(err)
	}
	if err := s.Package(out2); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(out1)
	b, _ := os.ReadFile(out2)
	if !bytes.Equal(a, b) {
		t.Error("packing is not reproducible")
	}
	packed, err := Open(out1)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := packed.Load()
	if err != nil || m.Version != "0.1.0" || len(m.Dependencies) != 3 {
		t.Fatalf("packed bundle: %+v, %v", m, err)
	}
	// Removing the package dependency deletes the stored package.
	if _, err := packed.Remove(2); err != nil {
		t.Fatal(err)
	}
	if _, ok := packed.Size("_assets/" + sum); ok {
		t.Error("the stored package outlived its dependency")
	}
	if _, err := packed.Remove(7); err == nil {
		t.Error("an index out of range was accepted")
	}
}

// A stored package that was changed no longer matches the checksum it is
// named after: the bundle does not pass its check.
func TestChangedStoredPackageFailsTheCheck(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tools")
	if err := Init(dir, Profile{Name: "tools", Author: "acme", Description: "d"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	s, _ := Open(dir)
	sum, err := s.AppendPackage(demoPackage(t))
	if err != nil {
		t.Fatal(err)
	}
	// Another valid package in its place: its checksum is another.
	src := t.TempDir()
	for _, name := range []string{".difyignore", "README.md", "endpoint.yaml", "manifest.yaml", "_assets/icon.svg"} {
		data, _ := os.ReadFile(filepath.Join("../testdata/plugins/demo", name))
		os.MkdirAll(filepath.Dir(filepath.Join(src, name)), 0o755)
		os.WriteFile(filepath.Join(src, name), data, 0o644)
	}
	os.WriteFile(filepath.Join(src, "README.md"), []byte("# Changed\n"), 0o644)
	other := filepath.Join(t.TempDir(), "other.difypkg")
	if _, err := pack.Package(context.Background(), pack.Options{Dir: src, Output: other}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(other)
	os.WriteFile(filepath.Join(dir, "_assets", sum), data, 0o644)
	if err := s.Check(); err == nil || !strings.Contains(err.Error(), "the stored package was changed") {
		t.Errorf("a replaced package: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "_assets", sum), []byte("not a package"), 0o644)
	if err := s.Check(); err == nil || !strings.Contains(err.Error(), sum) {
		t.Errorf("check: %v", err)
	}
}
