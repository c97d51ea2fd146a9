package cleanup

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCompare(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"1.0.0", "0.9.9", 1},
		{"0.10.0", "0.9.0", 1},
		{"1.0.0", "1.0.0-beta", 1},
		{"1.0.0-alpha", "1.0.0-beta", -1},
		{"1.0.0", "1.0.0", 0},
		{"bad", "0.0.1", -1},
		{"bad", "worse", 0},
	} {
		if got := Compare(c.a, c.b); got != c.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := Compare(c.b, c.a); got != -c.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", c.b, c.a, got, -c.want)
		}
	}
}

func mkdirs(t *testing.T, root string, paths ...string) {
	for _, p := range paths {
		if err := os.MkdirAll(filepath.Join(root, p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func TestScanAndApply(t *testing.T) {
	root := t.TempDir()
	mkdirs(t, root,
		"acme/weather-0.0.1@aaa", "acme/weather-0.0.2@bbb", "acme/weather-0.0.2@ccc", "acme/weather-0.0.10@ddd",
		"acme/solo-1.0.0@eee",
		"acme/beta-1.0.0-rc1@fff", // does not parse and has no manifest: skipped
		"acme/named@ggg",          // recognised by its manifest
		"acme/named-0.0.1@hhh",
	)
	os.WriteFile(filepath.Join(root, "acme/named@ggg/manifest.yaml"), []byte("version: 0.0.2\ntype: plugin\nauthor: acme\nname: named\n"), 0o644)
	os.WriteFile(filepath.Join(root, "acme/stray-file"), nil, 0o644)

	p, err := Scan(root)
	if err != nil {
		t.Fatal(err)
	}
	var removed, kept []string
	for _, v := range p.Remove {
		removed = append(removed, filepath.Base(v.Path))
	}
	for _, v := range p.Keep {
		kept = append(kept, filepath.Base(v.Path))
	}
	if got := strings.Join(removed, " "); got != "named-0.0.1@hhh weather-0.0.2@bbb weather-0.0.2@ccc weather-0.0.1@aaa" {
		t.Errorf("remove %s", got)
	}
	if got := strings.Join(kept, " "); got != "named@ggg solo-1.0.0@eee weather-0.0.10@ddd" {
		t.Errorf("keep %s", got)
	}
	if p.Plugins != 3 {
		t.Errorf("%d plugins", p.Plugins)
	}

	results := p.Apply()
	for _, r := range results {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Path, r.Err)
		}
		if _, err := os.Stat(r.Path); !os.IsNotExist(err) {
			t.Errorf("%s is still there", r.Path)
		}
	}
	for _, v := range p.Keep {
		if _, err := os.Stat(v.Path); err != nil {
			t.Errorf("kept %s is gone", v.Path)
		}
	}
	sql, err := SQL(results)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sql, "DELETE FROM plugins WHERE plugin_unique_identifier IN ('acme/named:0.0.1@hhh', 'acme/weather:0.0.1@aaa', 'acme/weather:0.0.2@bbb', 'acme/weather:0.0.2@ccc');") ||
		strings.Count(sql, "DELETE FROM") != 10 {
		t.Errorf("SQL:\n%s", sql)
	}
}

func TestApplyStaysInside(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	p := &Plan{Dir: root, Remove: []Entry{{PluginID: "a/b", Version: "0.0.1", Path: outside}}}
	r := p.Apply()
	if r[0].Err == nil || !strings.Contains(r[0].Err.Error(), "outside") {
		t.Errorf("removing outside the working directory: %v", r[0].Err)
	}
	if _, err := os.Stat(outside); err != nil {
		t.Error("a directory outside was removed")
	}
}
