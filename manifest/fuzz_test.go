package manifest

import (
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzCheck feeds arbitrary manifest.yaml and provider files to the loader and
// every rule: whatever the input, Check must return findings, never panic.
// Seeds live in testdata/fuzz/FuzzCheck.
func FuzzCheck(f *testing.F) {
	valid := validPlugin()
	f.Add(valid["manifest.yaml"], valid["provider/demo.yaml"])
	f.Add("plugins: {tools: [p.yaml]}\nresource: {permission: {storage: {}}}\n", "tools: [{identity: {}}, x.yaml, ~]\n")
	f.Add("meta: {arch: ~, runner: []}\ntags: [1, [2]]\nlabel: x\n", "identity: {icon: [], tags: {}}\n")
	f.Fuzz(func(t *testing.T, manifest, provider string) {
		files := validPlugin()
		files["manifest.yaml"] = manifest
		files["provider/demo.yaml"] = provider
		fsys := fstest.MapFS{}
		for p, s := range files {
			fsys[p] = &fstest.MapFile{Data: []byte(s)}
		}
		for _, d := range Check(fsys) {
			if d.Message == "" || d.Pos.File == "" {
				t.Fatalf("finding without message or file: %+v", d)
			}
		}
	})
}

// FuzzPythonScan feeds arbitrary Python sources to the permission check:
// whatever the text, it must not panic, and a call it reports must be where
// it says, once.
func FuzzPythonScan(f *testing.F) {
	f.Add("def f(session):\n    session.storage.get('k')\n", "class T:\n    def _invoke(self, p):\n        f(self.session)\n")
	f.Add("x = g((\n", "def (\n  a, (b\n")
	f.Add("s = '# (' # )\n", "def h(*, store=None): store.model.llm.invoke(\n")
	f.Add("async def r(a, /, s): s.app.chat.invoke()\nr(1, session)\n", "r(s=self.session)\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		files := validPlugin()
		files["tools/a.py"] = a
		files["tools/b.py"] = b
		fsys := mapFS(files)
		p, _ := Load(fsys)
		if p == nil {
			t.Fatal("the valid plugin does not load")
		}
		seen := map[string]bool{}
		for _, d := range CheckPermissions(p, fsys) {
			if key := d.Pos.String() + " " + d.Message; seen[key] {
				t.Fatalf("reported twice: %s", key)
			} else {
				seen[key] = true
			}
			if d.Pos.File != "tools/a.py" && d.Pos.File != "tools/b.py" {
				continue
			}
			lines := strings.Split(files[d.Pos.File], "\n")
			if d.Pos.Line < 1 || d.Pos.Line > len(lines) || d.Pos.Col < 1 || d.Pos.Col > len(lines[d.Pos.Line-1]) {
				t.Fatalf("finding outside its file: %+v", d)
			}
		}
	})
}
