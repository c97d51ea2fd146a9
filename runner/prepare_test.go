package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPrepareRefusesWhatCannotRun(t *testing.T) {
	notPlugin := t.TempDir()
	goPlugin := doublePlugin(t)
	m := filepath.Join(goPlugin, "manifest.yaml")
	data, err := os.ReadFile(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(m, []byte(strings.Replace(string(data), "language: python", "language: go", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ dir, want string }{
		{notPlugin, "./mine is not a plugin"},
		{goPlugin, `mine/manifest.yaml: meta.runner.language is "go"; only python plugins can run`},
	} {
		cache := t.TempDir()
		_, _, err := Prepare(context.Background(), c.dir, "./mine", Setup{CacheDir: cache, Interpreter: python3(t)})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Prepare(%s) = %v, want %q", c.dir, err, c.want)
		}
		if entries, _ := os.ReadDir(cache); len(entries) != 0 {
			t.Errorf("Prepare(%s) built an environment for a plugin that cannot run", c.dir)
		}
	}
}
