package explain

import (
	"strings"
	"testing"
)

// Each entry is found in the text the daemon (or what stands before it)
// returns, as a user sees it: the daemon's messages are written here as its
// source writes them.
func TestEachError(t *testing.T) {
	for _, c := range []struct {
		id, text, detail string
	}{
		{"bad-signature", `PluginDaemonBadRequestError: plugin verification has been enabled, and the plugin you want to install has a bad signature`, ""},
		{"too-large-uncompressed", `failed to decode package: plugin package size is too large, please ensure the uncompressed size is less than 52428800 bytes`, "52428800 bytes (50.0 MiB)"},
		{"upload-too-large", `{"code":-400,"message":"file size exceeds the maximum limit"}`, ""},
		{"nginx-413", "<html><head><title>413 Request Entity Too Large</title></head>", ""},
		{"not-a-package", `difypkg: not a valid difypkg file`, ""},
		{"illegal-path", `illegal file path in plugin package: "../../etc/passwd"`, `"../../etc/passwd"`},
		{"author-uuid", `cannot set author to an UUID`, ""},
		{"manifest", "failed to unmarshal tool file: tools/search.yaml\nyaml: line 3", "tools/search.yaml"},
		{"manifest", `illegal plugin manifest`, ""},
		{"icon", `failed to get assets: plugin icon not found`, ""},
		{"icon", `model icon small en_US not found`, ""},
		{"identifier-mismatch", `plugin unique identifier mismatch`, ""},
		{"package-not-uploaded", `plugin package not found, please upload it firstly`, ""},
		{"no-dependency-file", `failed to detect dependency file: neither pyproject.toml nor requirements.txt found in plugin directory`, ""},
		{"install-timeout", `failed to install dependencies: signal: killed, output: init process exited due to no activity for 120 seconds`, "120 seconds"},
		{"no-network", "error: Failed to fetch: `https://pypi.org/simple/dify-plugin/`\n  Caused by: Could not connect", ""},
		{"no-wheel", "× No solution found when resolving dependencies:\n  ╰─▶ Because there is no version of numpy==2.3.1 and you require numpy==2.3.1", "numpy==2.3.1"},
		{"no-wheel", `ERROR: No matching distribution found for beta==2.1.0`, "beta==2.1.0"},
		{"install-failed", `failed to install dependencies: exit status 1, output: ...`, ""},
		{"uv-missing", `failed to find uv path: exec: "uv": executable file not found in $PATH`, ""},
		{"venv-failed", `failed to create virtual environment: exit status 2, output: `, ""},
		{"compile-failed", `failed to pre-compile the plugin: exit status 1`, ""},
		{"launch-failed", `failed to launch plugin: plugin exited`, ""},
		{"module-missing", `ModuleNotFoundError: No module named 'tiktoken'`, "tiktoken"},
	} {
		found := Find(c.text)
		var ids []string
		var hit *Found
		for i, f := range found {
			ids = append(ids, f.ID)
			if f.ID == c.id {
				hit = &found[i]
			}
		}
		if hit == nil {
			t.Errorf("%s: not found in %q (found %v)", c.id, c.text, ids)
			continue
		}
		if hit.Cause == "" || len(hit.Fix) == 0 || hit.Source == "" || hit.Title == "" {
			t.Errorf("%s: says no cause, fix, title or source", c.id)
		}
		if c.detail != "" && !strings.Contains(hit.Explain(), c.detail) {
			t.Errorf("%s: detail %q does not say %q", c.id, hit.Explain(), c.detail)
		}
	}
}

// Every entry is tested above, has an ID ByID finds, and a fix that says
// what to run or set.
func TestCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range Catalogue() {
		if seen[e.ID] {
			t.Errorf("%s twice", e.ID)
		}
		seen[e.ID] = true
		if ByID(strings.ToUpper(e.ID)) != e {
			t.Errorf("ByID(%s)", e.ID)
		}
	}
	if ByID("nothing") != nil {
		t.Error("ByID found an unknown ID")
	}
}

// A log excerpt with several errors reports each once, in order.
func TestLogExcerpt(t *testing.T) {
	log := `2026-12-01 10:00:01 ERROR failed to install dependencies: exit status 1, output: error: Failed to fetch: ` + "`https://pypi.org/simple/requests/`" + `
  Caused by: dns error: failed to lookup address information
2026-12-01 10:00:02 ERROR failed to launch plugin: failed to install dependencies
2026-12-01 10:00:03 ERROR failed to install dependencies: exit status 1`
	var ids []string
	for _, f := range Find(log) {
		ids = append(ids, f.ID)
	}
	if got := strings.Join(ids, " "); got != "install-failed no-network launch-failed" {
		t.Errorf("found %s", got)
	}
	if len(Find("everything went fine")) != 0 {
		t.Error("found an error in a text without one")
	}
}

// An entry shown by its ID matched no text: it has nothing to add.
func TestEntryWithoutText(t *testing.T) {
	for _, e := range Catalogue() {
		if d := (Found{Entry: e}).Explain(); d != "" {
			t.Errorf("%s adds %q without a text", e.ID, d)
		}
	}
}

// Any text is read without a panic, and every finding points into it.
func FuzzFind(f *testing.F) {
	f.Add("failed to install dependencies: x, output: init process exited due to no activity for 9 seconds")
	f.Add("illegal file path in plugin package: ")
	f.Add("there is no version of")
	f.Fuzz(func(t *testing.T, text string) {
		for _, found := range Find(text) {
			if found.At < 0 || found.At > len(text) || !strings.Contains(text, found.Text) {
				t.Fatalf("%s at %d: %q", found.ID, found.At, found.Text)
			}
			found.Explain()
		}
	})
}
