package release

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const manifestYAML = `# the plugin
version: "0.1.9" # released in May
type: plugin
author: acme
name: weather
meta:
  version: 0.0.1
  runner:
    version: "3.12"
`

const pyprojectTOML = `[project]
name = "weather"
version = "0.1.9"
dependencies = ["dify_plugin>=0.10.0,<0.11.0"]

[tool.other]
version = "9.9.9"
`

func plugin(t *testing.T, manifest, pyproject string) string {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "manifest.yaml"), []byte(manifest), 0o644)
	if pyproject != "" {
		os.WriteFile(filepath.Join(dir, "pyproject.toml"), []byte(pyproject), 0o644)
	}
	return dir
}

func TestBumpChangesOnlyTheVersions(t *testing.T) {
	dir := plugin(t, manifestYAML, pyprojectTOML)
	b, err := Bump(dir, "patch")
	if err != nil {
		t.Fatal(err)
	}
	if b.From.String() != "0.1.9" || b.To.String() != "0.1.10" || strings.Join(b.Files, ",") != "manifest.yaml,pyproject.toml" {
		t.Fatalf("bumped %+v", b)
	}
	m, _ := os.ReadFile(filepath.Join(dir, "manifest.yaml"))
	if want := strings.Replace(manifestYAML, `version: "0.1.9"`, `version: "0.1.10"`, 1); string(m) != want {
		t.Fatalf("manifest.yaml:\n%s\nwant:\n%s", m, want)
	}
	p, _ := os.ReadFile(filepath.Join(dir, "pyproject.toml"))
	if want := strings.Replace(pyprojectTOML, `version = "0.1.9"`, `version = "0.1.10"`, 1); string(p) != want {
		t.Fatalf("pyproject.toml:\n%s\nwant:\n%s", p, want)
	}
}

func TestBumpKinds(t *testing.T) {
	for _, c := range []struct{ from, how, to string }{
		{"0.1.9", "minor", "0.2.0"}, {"0.1.9", "major", "1.0.0"}, {"1.2.3-beta", "patch", "1.2.3"},
		{"1.2.3", "1.3.0-rc1", "1.3.0-rc1"}, {"1.2.3-alpha", "1.2.3-beta", "1.2.3-beta"},
	} {
		dir := plugin(t, "version: "+c.from+"\nmeta:\n  version: 0.0.1\n", "")
		b, err := Bump(dir, c.how)
		if err != nil || b.To.String() != c.to || strings.Join(b.Files, ",") != "manifest.yaml" {
			t.Errorf("%s %s: %+v, %v", c.from, c.how, b, err)
		}
		m, _ := os.ReadFile(filepath.Join(dir, "manifest.yaml"))
		if string(m) != "version: "+c.to+"\nmeta:\n  version: 0.0.1\n" {
			t.Errorf("%s %s wrote:\n%s", c.from, c.how, m)
		}
	}
}

func TestBumpRefusesToGoBackwards(t *testing.T) {
	for _, to := range []string{"0.1.9", "0.1.8", "0.1.9-rc1"} {
		dir := plugin(t, manifestYAML, pyprojectTOML)
		_, err := Bump(dir, to)
		var back *BackwardsError
		if !errors.As(err, &back) {
			t.Fatalf("bump to %s: %v", to, err)
		}
		if m, _ := os.ReadFile(filepath.Join(dir, "manifest.yaml")); string(m) != manifestYAML {
			t.Fatalf("the manifest changed after a refusal:\n%s", m)
		}
	}
	if _, err := Bump(plugin(t, manifestYAML, ""), "next"); err == nil || !strings.Contains(err.Error(), "neither major, minor nor patch") {
		t.Fatalf("a word that is no version: %v", err)
	}
	if _, err := Bump(plugin(t, "version: 9999.0.0\n", ""), "major"); err == nil || !strings.Contains(err.Error(), "over 9999") {
		t.Fatalf("past the daemon's limit: %v", err)
	}
	if _, err := Bump(plugin(t, "version: banana\n", ""), "patch"); err == nil || !strings.Contains(err.Error(), "manifest.yaml:1:") {
		t.Fatalf("a manifest version the daemon refuses: %v", err)
	}
}
