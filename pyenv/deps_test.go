package pyenv

import (
	"strings"
	"testing"

	"github.com/dify-cli/dify/depfile"
)

func TestChooseDeps(t *testing.T) {
	const lock = `version = 1
requires-python = ">=3.12"

[[package]]
name = "p"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "six" }]

[[package]]
name = "six"
version = "1.16.0"
source = { registry = "https://pypi.org/simple" }
`
	pyproject := "[project]\nname = \"p\"\nversion = \"0.1.0\"\ndependencies = [\"six\"]\n"
	for _, c := range []struct {
		name    string
		files   map[string]string
		uv      bool
		s       depfile.Settings
		source  string
		sync    bool
		frozen  bool
		install string
		gen     string
		empty   bool
		err     string
	}{
		{name: "locked with uv", files: map[string]string{"pyproject.toml": pyproject, "uv.lock": lock, "requirements.txt": "x\n"}, uv: true,
			source: "pyproject.toml (the daemon prefers it to requirements.txt), pinned by uv.lock", sync: true, frozen: true},
		{name: "a mirror prefers requirements", files: map[string]string{"pyproject.toml": pyproject, "uv.lock": lock, "requirements.txt": "x\n"}, uv: true,
			s: depfile.Settings{Mirror: true}, source: "requirements.txt: with a pip mirror (PIP_MIRROR_URL) the daemon prefers it", install: "requirements.txt"},
		{name: "the lock ignored", files: map[string]string{"pyproject.toml": pyproject, "uv.lock": lock}, uv: true,
			s: depfile.Settings{IgnoreLock: true}, source: "pyproject.toml; uv.lock is ignored (PLUGIN_IGNORE_UV_LOCK), so versions are resolved afresh", sync: true},
		{name: "asked for requirements", files: map[string]string{"pyproject.toml": pyproject, "uv.lock": lock, "requirements.txt": "x\n"}, uv: true,
			s: depfile.Settings{Prefer: depfile.Requirements}, source: "requirements.txt, as asked", install: "requirements.txt"},
		{name: "locked without uv", files: map[string]string{"pyproject.toml": pyproject, "uv.lock": lock}, uv: false,
			source: "pyproject.toml, pinned by uv.lock (exported without uv)", gen: "six==1.16.0\n"},
		{name: "pyproject with uv", files: map[string]string{"pyproject.toml": pyproject, "requirements.txt": "x\n"}, uv: true,
			source: "pyproject.toml (the daemon prefers it to requirements.txt); without uv.lock, versions are resolved afresh", sync: true},
		{name: "pyproject without uv falls to requirements", files: map[string]string{"pyproject.toml": pyproject, "requirements.txt": "x\n"},
			source: "requirements.txt: pyproject.toml has no uv.lock, and resolving it needs uv, which is not installed", install: "requirements.txt"},
		{name: "requirements with comments only", files: map[string]string{"requirements.txt": "# none\n\n"},
			source: "requirements.txt", install: "requirements.txt", empty: true},
		{name: "pyproject alone without uv", files: map[string]string{"pyproject.toml": pyproject}, err: "has no uv.lock"},
		{name: "nothing", files: map[string]string{"main.py": ""}, err: "neither requirements.txt nor pyproject.toml"},
		{name: "broken lock", files: map[string]string{"pyproject.toml": pyproject, "uv.lock": "version = [\n"}, err: "uv.lock"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := chooseDeps(project(t, c.files), c.uv, c.s)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.Source != c.source || d.Sync != c.sync || d.Frozen != c.frozen || d.Install != c.install || string(d.Generated) != c.gen || d.Empty != c.empty {
				t.Errorf("got %+v (generated %q)", d, d.Generated)
			}
		})
	}
}

func TestCacheKeyFollowsContentAndInterpreter(t *testing.T) {
	base := Interpreter{Path: "/usr/bin/python3.12", Version: "3.12.1"}
	d := func(req string) *deps { return &deps{Files: map[string][]byte{"requirements.txt": []byte(req)}} }
	k := cacheKey("pip", base, d("a\n"))
	if k != cacheKey("pip", base, d("a\n")) {
		t.Error("the key is not stable")
	}
	other := base
	other.Version = "3.12.2"
	for name, k2 := range map[string]string{
		"content":     cacheKey("pip", base, d("b\n")),
		"tool":        cacheKey("uv", base, d("a\n")),
		"interpreter": cacheKey("pip", other, d("a\n")),
	} {
		if k2 == k {
			t.Errorf("a different %s gives the same key", name)
		}
	}
}
