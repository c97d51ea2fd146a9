package manifest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEditPermissions(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, FileName)
	before := "version: 0.0.1 # the plugin's\nname: demo\nresource:\n  memory: 1048576\n"
	os.WriteFile(file, []byte(before), 0o644)

	// Looking changes nothing.
	g, err := EditPermissions(dir, func(current Grant) (Grant, bool, error) { return current, false, nil })
	if data, _ := os.ReadFile(file); err != nil || string(data) != before || len(g.Keys()) != 0 {
		t.Fatalf("a look wrote %q, %v", data, err)
	}
	// A change writes only resource.permission, keeping the comment.
	g, err = EditPermissions(dir, func(current Grant) (Grant, bool, error) { return current.With("model.llm").With("storage"), true, nil })
	data, _ := os.ReadFile(file)
	if err != nil || !g.Has("model.llm") || !strings.Contains(string(data), "version: 0.0.1 # the plugin's") ||
		!strings.Contains(string(data), "llm: true") || !strings.Contains(string(data), "storage:") {
		t.Errorf("%v\n%s", err, data)
	}
	// The next edit sees what the last one wrote.
	EditPermissions(dir, func(current Grant) (Grant, bool, error) {
		if !current.Has("storage") {
			t.Errorf("the current grant %v lacks storage", current.Names())
		}
		return current, false, nil
	})
	// A refusal writes nothing.
	stop := errors.New("stop")
	if _, err := EditPermissions(dir, func(Grant) (Grant, bool, error) { return Grant{}, true, stop }); !errors.Is(err, stop) {
		t.Errorf("err %v", err)
	}
	if after, _ := os.ReadFile(file); string(after) != string(data) {
		t.Error("a refused edit wrote the file")
	}
	// Broken YAML is said at its line.
	os.WriteFile(file, []byte("name: \"demo\nresource:\n  memory: 1\n"), 0o644)
	if _, err := EditPermissions(dir, func(g Grant) (Grant, bool, error) { return g, true, nil }); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("broken YAML: %v", err)
	}
	if _, err := EditPermissions(t.TempDir(), nil); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("no manifest: %v", err)
	}
}
