package manifest

import (
	"strings"
	"testing"
)

const baseManifest = `version: 0.0.1
type: plugin
author: acme
name: demo
icon: icon.svg
label:
  en_US: Demo
description:
  en_US: Demo plugin
created_at: "2024-01-01T00:00:00Z"
resource:
  memory: 1048576
plugins:
  tools:
    - provider/demo.yaml
meta:
  version: 0.0.1
  arch: [amd64]
  runner:
    language: python
    version: "3.12"
    entrypoint: main
`

const toolProvider = `identity:
  author: acme
  name: demo
  icon: icon.svg
tools:
  - tools/a.yaml
  - identity:
      name: inline
`

func TestLoadGraph(t *testing.T) {
	fsys := mapFS(map[string]string{
		"manifest.yaml":      baseManifest,
		"provider/demo.yaml": toolProvider,
		"tools/a.yaml":       "identity:\n  name: a\n",
		"_assets/icon.svg":   "<svg/>",
	})
	p, ds := Load(fsys)
	if len(ds) != 0 {
		t.Fatalf("findings on a valid plugin: %v", ds)
	}
	if p.Manifest.Name != "demo" || p.Manifest.Author != "acme" || p.Manifest.Meta.Runner.Entrypoint != "main" {
		t.Errorf("manifest decoded as %+v", p.Manifest)
	}
	if len(p.Providers) != 1 || p.Providers[0].Kind != Tools || len(p.Providers[0].Children) != 2 {
		t.Fatalf("providers %+v; want one tool provider with a file and an inline tool", p.Providers)
	}
	if got := p.Manifest.Identifier("abc"); got != "acme/demo:0.0.1@abc" {
		t.Errorf("identifier %q", got)
	}
	if ds := CheckAssets(p, fsys); len(ds) != 0 {
		t.Errorf("asset findings on a valid plugin: %v", ds)
	}
}

func TestLoadFindings(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  string // Diagnostic.String() must contain it
	}{
		{"missing manifest", map[string]string{}, "manifest.yaml: error: manifest.yaml does not exist [file-missing]"},
		{"missing provider", map[string]string{"manifest.yaml": baseManifest}, "manifest.yaml:15:7: error: provider/demo.yaml does not exist [file-missing]"},
		{"missing tool", map[string]string{"manifest.yaml": baseManifest, "provider/demo.yaml": toolProvider}, "provider/demo.yaml:6:5: error: tools/a.yaml does not exist"},
		{"unclean path", map[string]string{"manifest.yaml": strings.Replace(baseManifest, "- provider/demo.yaml", "- ./provider/demo.yaml", 1), "provider/demo.yaml": "{}"},
			`manifest.yaml:15:7: error: path "./provider/demo.yaml" is not a clean relative path; the daemon cannot open it inside a package [path]` + "\n  hint: write \"provider/demo.yaml\""},
		{"path outside", map[string]string{"manifest.yaml": strings.Replace(baseManifest, "- provider/demo.yaml", "- ../x.yaml", 1)}, `path "../x.yaml" points outside the plugin`},
		{"duplicate key", map[string]string{"manifest.yaml": baseManifest + "name: again\n"}, `manifest.yaml:23: error: mapping key "name" already defined at line 4 [duplicate-key]`},
		{"type error", map[string]string{"manifest.yaml": strings.Replace(baseManifest, "memory: 1048576", "memory: 256MB", 1)}, `manifest.yaml:12: error: resource.memory is a whole number, not "256MB" [yaml]`},
		{"syntax error", map[string]string{"manifest.yaml": "a: 1\nb: 2\n  c: 3\n"}, "manifest.yaml:3: error: line 3 is not indented like the lines it belongs with (line 2 above) (the YAML parser stopped at line 3: mapping values are not allowed in this context) [yaml]"},
		{"model glob", map[string]string{"manifest.yaml": strings.Replace(baseManifest, "tools:\n    - provider/demo.yaml", "models:\n    - provider/m.yaml", 1),
			"provider/m.yaml": "models:\n  llm:\n    predefined:\n      - \"models/llm/*.yaml\"\n", "models/llm/gpt.yaml": "model: [x"}, "models/llm/gpt.yaml:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, ds := Load(mapFS(c.files))
			var all []string
			for _, d := range ds {
				all = append(all, d.String())
			}
			if !strings.Contains(strings.Join(all, "\n"), c.want) {
				t.Errorf("findings:\n%s\nwant one containing:\n%s", strings.Join(all, "\n"), c.want)
			}
			if !ds.HasErrors() {
				t.Error("no error reported")
			}
		})
	}
}

func TestCheckAssets(t *testing.T) {
	fsys := mapFS(map[string]string{
		"manifest.yaml":      strings.Replace(baseManifest, "icon: icon.svg", "icon: _assets/icon.svg\nicon_dark: dark.svg", 1),
		"provider/demo.yaml": "identity:\n  icon: tool.svg\n",
		"_assets/icon.svg":   "<svg/>",
	})
	p, ds := Load(fsys)
	if len(ds) != 0 {
		t.Fatal(ds)
	}
	got := CheckAssets(p, fsys)
	want := []string{
		`manifest.yaml:5:7: error: plugin icon "_assets/icon.svg" not found: there is no _assets/_assets/icon.svg [icon-missing]` + "\n  hint: icons are named relative to _assets/: write \"icon.svg\"",
		`manifest.yaml:6:12: error: plugin dark icon "dark.svg" not found`,
		`provider/demo.yaml:2:9: error: provider icon "tool.svg" not found`,
	}
	if len(got) != len(want) {
		t.Fatalf("got %d findings, want %d: %v", len(got), len(want), got)
	}
	for i := range want {
		if !strings.Contains(got[i].String(), want[i]) {
			t.Errorf("finding %d:\n%s\nwant it to contain\n%s", i, got[i], want[i])
		}
	}
}
