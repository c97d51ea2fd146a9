package pack

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/dify-cli/dify/ignore"
)

// writeTree creates files (slash path → content) under a new temporary directory.
func writeTree(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func selected(t *testing.T, dir string) []string {
	t.Helper()
	src, err := OpenDir(dir, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range src.Files {
		out = append(out, f.Path)
	}
	return out
}

// TestIgnoreGrammar has one case per rule of the gitignore grammar (see doc.go).
// Each case lists the files of the tree; "want" are those that get packaged,
// besides the ignore file itself.
func TestIgnoreGrammar(t *testing.T) {
	cases := []struct {
		name   string
		ignore string
		files  []string
		want   []string
	}{
		{"comment lines are skipped", "# a.txt\n", []string{"a.txt", "# a.txt"}, []string{"# a.txt", "a.txt"}},
		{"escaped hash is literal", `\#a.txt` + "\n", []string{"#a.txt", "a.txt"}, []string{"a.txt"}},
		{"blank lines are skipped", "\n\n   \n", []string{"a.txt"}, []string{"a.txt"}},
		{"trailing spaces are trimmed", "a.txt   \n", []string{"a.txt", "b.txt"}, []string{"b.txt"}},
		{"escaped trailing space is kept", "b\\ \n", []string{"b", "b "}, []string{"b"}},
		{"leading spaces are significant", " a.txt\n", []string{"a.txt", " a.txt"}, []string{"a.txt"}},
		{"CRLF line endings", "a.txt\r\nb.txt\r\n", []string{"a.txt", "b.txt", "c.txt"}, []string{"c.txt"}},
		{"negation re-includes", "*.log\n!keep.log\n", []string{"a.log", "keep.log", "logs/keep.log", "logs/b.log"}, []string{"keep.log", "logs/keep.log"}},
		{"later rules win", "!keep.log\n*.log\n", []string{"a.log", "keep.log"}, nil},
		{"escaped bang is literal", `\!x` + "\n", []string{"!x", "x"}, []string{"x"}},
		{"no re-include below an excluded directory", "logs/\n!logs/keep.log\n", []string{"logs/keep.log", "logs/a.log"}, nil},
		{"re-include below excluded contents", "logs/*\n!logs/keep.log\n", []string{"logs/keep.log", "logs/a.log"}, []string{"logs/keep.log"}},
		{"trailing slash matches directories only", "cache/\n", []string{"cache/a", "cache2", "cachefile", "x/cache/b", "y/cache"}, []string{"cache2", "cachefile", "y/cache"}},
		{"name without slash matches at any depth", "foo\n", []string{"foo", "a/foo", "b/foo/c", "foobar"}, []string{"foobar"}},
		{"leading slash anchors", "/build\n", []string{"build/o", "sub/build/o"}, []string{"sub/build/o"}},
		{"middle slash anchors", "docs/*.md\n", []string{"docs/r.md", "docs/x/r.md", "x/docs/r.md"}, []string{"docs/x/r.md", "x/docs/r.md"}},
		{"star does not cross a slash", "a/*.txt\n", []string{"a/b.txt", "a/b/c.txt"}, []string{"a/b/c.txt"}},
		{"leading double star", "**/node_modules\n", []string{"node_modules/x", "a/node_modules/x", "a/b/node_modules/x", "node_modules2/x"}, []string{"node_modules2/x"}},
		{"leading double star with path backtracks", "**/a/b\n", []string{"a/x/a/b/f", "a/b", "c/a/bb"}, []string{"c/a/bb"}},
		{"inner double star matches zero or more directories", "a/**/b\n", []string{"a/b", "a/x/b", "a/x/y/b", "a/x/c", "b"}, []string{"a/x/c", "b"}},
		{"trailing double star matches everything inside", "w/**\n", []string{"w/a", "w/b/c", "ww/a"}, []string{"ww/a"}},
		{"double star inside a name is a star", "**.txt\n", []string{"a.txt", "d/b.txt", "c.md"}, []string{"c.md"}},
		{"double star inside an anchored segment is a star", "sub/**.txt\n", []string{"sub/a.txt", "sub/d/b.txt"}, []string{"sub/d/b.txt"}},
		{"question mark is one character", "?.txt\n", []string{"a.txt", "ab.txt"}, []string{"ab.txt"}},
		{"bracket range", "[a-c].txt\n", []string{"a.txt", "c.txt", "d.txt"}, []string{"d.txt"}},
		{"bracket negation with bang", "[!b]at.txt\n", []string{"bat.txt", "cat.txt"}, []string{"bat.txt"}},
		{"bracket negation with caret", "[^b]at.txt\n", []string{"bat.txt", "cat.txt"}, []string{"bat.txt"}},
		{"POSIX class", "v[[:digit:]].txt\n", []string{"v1.txt", "vx.txt"}, []string{"vx.txt"}},
		{"backslash escapes a wildcard", `\*.txt` + "\n", []string{"*.txt", "a.txt"}, []string{"a.txt"}},
		{"matching is case-sensitive", "*.LOG\n", []string{"a.log", "b.LOG"}, []string{"a.log"}},
		{"UTF-8 byte order mark is skipped", "\ufeffa.txt\n", []string{"a.txt", "b.txt"}, []string{"b.txt"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := map[string]string{DifyIgnore: c.ignore}
			for _, f := range c.files {
				files[f] = "x"
			}
			dir := writeTree(t, files)
			got := selected(t, dir)
			want := append([]string{DifyIgnore}, c.want...)
			sort.Strings(want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf(".difyignore %q:\n got %q\nwant %q", c.ignore, got, want)
			}
			// The matcher other commands use agrees with the walk.
			m := ignore.Open(dir, DifyIgnore, GitIgnore)
			for _, f := range c.files {
				if kept := m.Match(f, false) == nil; kept != slices.Contains(got, f) {
					t.Errorf("the matcher keeps %s: %v; the walk: %v", f, kept, !kept)
				}
			}
		})
	}
}

func TestIgnoreFileChoice(t *testing.T) {
	t.Run("gitignore is the fallback", func(t *testing.T) {
		dir := writeTree(t, map[string]string{GitIgnore: "*.log\n", "a.log": "", "b.txt": ""})
		if got, want := selected(t, dir), []string{GitIgnore, "b.txt"}; !reflect.DeepEqual(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("difyignore wins over gitignore", func(t *testing.T) {
		dir := writeTree(t, map[string]string{DifyIgnore: "*.txt\n", GitIgnore: "*.log\n", "a.log": "", "b.txt": ""})
		if got, want := selected(t, dir), []string{DifyIgnore, GitIgnore, "a.log"}; !reflect.DeepEqual(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("an empty difyignore disables the fallback", func(t *testing.T) {
		dir := writeTree(t, map[string]string{DifyIgnore: "", GitIgnore: "*.log\n", "a.log": ""})
		if got, want := selected(t, dir), []string{DifyIgnore, GitIgnore, "a.log"}; !reflect.DeepEqual(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("no ignore file keeps everything", func(t *testing.T) {
		dir := writeTree(t, map[string]string{".venv/lib/x.py": "", "main.py": ""})
		if got, want := selected(t, dir), []string{".venv/lib/x.py", "main.py"}; !reflect.DeepEqual(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("nested ignore files apply below their directory", func(t *testing.T) {
		dir := writeTree(t, map[string]string{
			DifyIgnore:             "*.log\n",
			"sub/" + DifyIgnore:    "*.tmp\n!keep.log\n/only-here\n",
			"a.tmp":                "",
			"a.log":                "",
			"sub/b.tmp":            "",
			"sub/keep.log":         "",
			"sub/only-here":        "",
			"sub/deeper/only-here": "",
		})
		want := []string{DifyIgnore, "a.tmp", "sub/" + DifyIgnore, "sub/deeper/only-here", "sub/keep.log"}
		if got := selected(t, dir); !reflect.DeepEqual(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
	})
}

func TestIgnoredReportsTheRule(t *testing.T) {
	dir := writeTree(t, map[string]string{DifyIgnore: "# comment\n*.log\n.venv/\n", "a.log": "", ".venv/x": "", "k": ""})
	src, err := OpenDir(dir, PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ig := range src.Ignored {
		got = append(got, ig.Path+" "+ig.Rule.String())
	}
	want := []string{".venv/ .difyignore:3: .venv/", "a.log .difyignore:2: *.log"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
