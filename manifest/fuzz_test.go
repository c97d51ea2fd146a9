package manifest

import (
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
