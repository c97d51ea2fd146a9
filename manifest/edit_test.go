package manifest

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const commented = `# The plugin's manifest.
version: 0.0.1 # bump for every release
type: plugin
author: acme
name: demo
resource:
  memory: 268435456
  permission:
    # tools are invoked by the agent
    tool:
      enabled: true
    storage:
      enabled: true
      size: 4096
plugins:
  tools:
    - provider/demo.yaml
meta:
  runner: {language: python, version: "3.12", entrypoint: main}
`

func TestSetPermissionsKeepsEverythingElse(t *testing.T) {
	out, err := SetPermissions([]byte(commented), NewGrant("tool", "model.llm", "storage"))
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, want := range []string{
		"# The plugin's manifest.\n",
		"version: 0.0.1 # bump for every release\n",
		"    # tools are invoked by the agent\n    tool:\n      enabled: true\n",
		"    storage:\n      enabled: true\n      size: 4096\n",
		"    model:\n      enabled: true\n      llm: true\n      text_embedding: false\n",
		"plugins:\n  tools:\n    - provider/demo.yaml\n",
		`  runner: {language: python, version: "3.12", entrypoint: main}`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("result lacks %q:\n%s", want, got)
		}
	}
	var m Manifest
	if err := yaml.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	g := m.Grant()
	if !g.Has("tool") || !g.Has("model.llm") || g.Has("model.rerank") || !g.Has("storage") || m.Resource.Permission.Storage.Size != 4096 {
		t.Errorf("granted %v", g)
	}
}

func TestSetPermissionsDenies(t *testing.T) {
	out, err := SetPermissions([]byte(commented), Grant{})
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	yaml.Unmarshal(out, &m)
	if g := m.Grant(); g.Has("tool") || g.Has("storage") {
		t.Errorf("still granted: %v\n%s", g, out)
	}
	if strings.Contains(string(out), "model:") || strings.Contains(string(out), "endpoint:") {
		t.Errorf("denying added blocks:\n%s", out)
	}
	// Nothing to grant and no block: the file is returned unchanged.
	plain := "name: x\nresource:\n  memory: 1\n"
	if out, _ := SetPermissions([]byte(plain), Grant{}); string(out) != plain {
		t.Errorf("changed a manifest with nothing to change:\n%s", out)
	}
	if _, err := ParseGrant("model.gpu"); err == nil {
		t.Error("unknown permission accepted")
	}
}
