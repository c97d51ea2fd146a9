package ignore

import (
	"os"
	"path/filepath"
	"testing"
)

func tree(t *testing.T, files map[string]string) string {
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

func TestMatcher(t *testing.T) {
	for _, c := range []struct {
		name    string
		files   map[string]string
		names   []string
		path    string
		ignored bool
		file    string // the ignore file in use
	}{
		{".envrc only does not leave out .env", map[string]string{GitIgnore: ".envrc\n"}, []string{GitIgnore}, ".env", false, GitIgnore},
		{"/.env leaves out the root .env", map[string]string{GitIgnore: "/.env\n"}, []string{GitIgnore}, ".env", true, GitIgnore},
		{"/.env keeps a nested one", map[string]string{GitIgnore: "/.env\n"}, []string{GitIgnore}, "sub/.env", false, GitIgnore},
		{".env* leaves out .env", map[string]string{DifyIgnore: ".env*\n!.env.example\n"}, []string{DifyIgnore, GitIgnore}, ".env", true, DifyIgnore},
		{"a negation keeps .env.example", map[string]string{DifyIgnore: ".env*\n!.env.example\n"}, []string{DifyIgnore, GitIgnore}, ".env.example", false, DifyIgnore},
		{"the gitignore fallback", map[string]string{GitIgnore: ".env\n"}, []string{DifyIgnore, GitIgnore}, ".env", true, GitIgnore},
		{"difyignore wins over gitignore", map[string]string{DifyIgnore: "*.log\n", GitIgnore: ".env\n"}, []string{DifyIgnore, GitIgnore}, ".env", false, DifyIgnore},
		{"no ignore file", map[string]string{}, []string{DifyIgnore, GitIgnore}, ".env", false, ""},
		{"an excluded parent directory", map[string]string{DifyIgnore: "secrets/\n!secrets/.env\n"}, []string{DifyIgnore}, "secrets/.env", true, DifyIgnore},
		{"a nested ignore file", map[string]string{DifyIgnore: "", "conf/" + DifyIgnore: ".env\n"}, []string{DifyIgnore}, "conf/.env", true, DifyIgnore},
		{"a nested file does not reach up", map[string]string{DifyIgnore: "", "conf/" + DifyIgnore: ".env\n"}, []string{DifyIgnore}, ".env", false, DifyIgnore},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := Open(tree(t, c.files), c.names...)
			if m.File() != c.file {
				t.Errorf("File() = %q, want %q", m.File(), c.file)
			}
			if got := m.Match(c.path, false) != nil; got != c.ignored {
				t.Errorf("Match(%q) ignored = %v, want %v", c.path, got, c.ignored)
			}
		})
	}
}

func TestAdvice(t *testing.T) {
	if got := Open(tree(t, map[string]string{GitIgnore: "x\n"}), DifyIgnore, GitIgnore).Advice(".env"); got != `add the line ".env" to .gitignore` {
		t.Errorf("with the fallback in use: %s", got)
	}
	if got := Open(tree(t, nil), DifyIgnore, GitIgnore).Advice(".env"); got != `create .difyignore with the line ".env"` {
		t.Errorf("with no ignore file: %s", got)
	}
}
