package uvlock

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// A uv.lock comes with plugins people download and package again: its file
// names and hashes become paths, so names that are paths and hashes that
// are not hex are refused, with the package's line.
func TestHostileArtifactsAreRefused(t *testing.T) {
	good := strings.Repeat("ab", 32)
	for _, tc := range []struct {
		name, wheels, want string
	}{
		{"traversal in filename",
			`{ url = "https://files.example/six.whl", filename = "../../victim/six-1.16.0-py3-none-any.whl", hash = "sha256:` + good + `", size = 10 }`,
			`is a path, not a file name`},
		{"traversal in an escaped URL segment",
			`{ url = "https://files.example/..%2F..%2Fvictim%2Fsix-1.16.0-py3-none-any.whl", hash = "sha256:` + good + `", size = 10 }`,
			`"../../victim/six-1.16.0-py3-none-any.whl" is a path`},
		{"backslashes",
			`{ url = "https://files.example/..%5C..%5Csix-1.16.0-py3-none-any.whl", hash = "sha256:` + good + `" }`,
			`is a path`},
		{"a hidden name",
			`{ url = "https://files.example/.bashrc", hash = "sha256:` + good + `" }`,
			`starts with a dot`},
		{"a hash that is 64 characters but not hex",
			`{ url = "https://files.example/six-1.16.0-py3-none-any.whl", hash = "sha256:/./././../../victim` + strings.Repeat("/", 64-len("/./././../../victim")) + `" }`,
			`is not sha256:<64 hex digits>`},
		{"a short hash",
			`{ url = "https://files.example/six-1.16.0-py3-none-any.whl", hash = "sha256:abc" }`,
			`is not sha256:<64 hex digits>`},
		{"a control character",
			`{ url = "https://files.example/six-1.16.0-py3-none-any.whl%0A", hash = "sha256:` + good + `" }`,
			`control character`},
		{"a negative size",
			`{ url = "https://files.example/six-1.16.0-py3-none-any.whl", hash = "sha256:` + good + `", size = -1 }`,
			`negative size`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lock := minimalLock + "wheels = [" + tc.wheels + "]\n"
			_, err := ExportSet(project(minimalProject, lock), Options{})
			var le *LockError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want a LockError", err)
			}
			if le.Line != 18 || !strings.Contains(le.Msg, "package six") || !strings.Contains(le.Msg, tc.want) || !strings.Contains(le.Msg, "uv lock") {
				t.Errorf("got %s\nwant line 18, package six, %q and the fix", err, tc.want)
			}
		})
	}
}

func TestSafeArtifactsPass(t *testing.T) {
	good := "sha256:" + strings.Repeat("AB", 32)
	lock := minimalLock + `sdist = { url = "https://files.example/six-1.16.0.tar.gz", hash = "` + good + `", size = 5 }
wheels = [{ url = "https://files.example/six-1.16.0-py2.py3-none-any.whl", hash = "` + good + `", size = 10 }]
`
	set, err := ExportSet(project(minimalProject, lock), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if set.Packages[0].Line != 15 {
		t.Errorf("six is at line %d, want 15", set.Packages[0].Line)
	}
}

// FuzzCheckFileName holds the name check to its promise: a name it accepts
// is one element that stays inside any folder it is joined to.
func FuzzCheckFileName(f *testing.F) {
	for _, s := range []string{"six-1.16.0-py3-none-any.whl", "../x.whl", "a/b", `a\b`, "..", ".", "", "C:x", "x\x00y", "é.whl"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if CheckFileName(name) != nil {
			return
		}
		if !filepath.IsLocal(name) || filepath.Base(name) != name || strings.ContainsAny(name, "/\\") {
			t.Fatalf("%q passes but is not one local element", name)
		}
		joined := filepath.Join("/cache/ab", name)
		if filepath.Dir(joined) != "/cache/ab" {
			t.Fatalf("%q escapes: %s", name, joined)
		}
	})
}
