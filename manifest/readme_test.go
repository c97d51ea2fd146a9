package manifest

import (
	"reflect"
	"testing"
)

func TestReadmes(t *testing.T) {
	fsys := mapFS(map[string]string{
		"README.md":                   "# x",
		"readme/README_zh_Hans.md":    "",
		"readme/README_ja_JP.md":      "",
		"readme/README_x.md":          "",
		"readme/notes.md":             "",
		"readme/deep/README_pt_BR.md": "",
	})
	want := []Readme{{"en_US", "README.md"}, {"ja_JP", "readme/README_ja_JP.md"}, {"zh_Hans", "readme/README_zh_Hans.md"}}
	if got := Readmes(fsys); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	fsys["readme/README_en_US.md"] = fsys["README.md"]
	if got := Readmes(fsys); got[0] != (Readme{"en_US", "readme/README_en_US.md"}) {
		t.Errorf("readme/README_en_US.md must replace README.md: %v", got)
	}
	for lang, ok := range map[string]bool{"zh_Hans": true, "pt_BR": true, "en": false, "ZH_hans": false, "x": false} {
		if ValidReadmeLanguage(lang) != ok {
			t.Errorf("ValidReadmeLanguage(%q) = %v", lang, !ok)
		}
	}
}
