package manifest

import (
	"io/fs"
	"sort"

	"github.com/dify-cli/dify/internal/lazyregexp"
)

// Readme is one README language of a plugin.
type Readme struct {
	Language string `json:"language"`
	Path     string `json:"path"`
}

// readmeName is the daemon's pattern for translated READMEs in readme/.
var readmeName = lazyregexp.New(`^README_([a-z]{2}_[A-Za-z]{2,})\.md$`)

// ValidReadmeLanguage reports whether lang can name a README translation
// (README_<lang>.md, e.g. zh_Hans, ja_JP).
func ValidReadmeLanguage(lang string) bool { return readmeName().MatchString("README_" + lang + ".md") }

// Readmes lists the README languages Dify finds in a plugin: README.md at the
// root is en_US, readme/README_<lang>.md the others (a readme/README_en_US.md
// replaces the root file). Sorted by language, en_US first.
func Readmes(fsys fs.FS) []Readme {
	byLang := map[string]string{}
	if _, err := fs.Stat(fsys, "README.md"); err == nil {
		byLang["en_US"] = "README.md"
	}
	entries, _ := fs.ReadDir(fsys, "readme")
	for _, e := range entries {
		if m := readmeName().FindStringSubmatch(e.Name()); m != nil && !e.IsDir() {
			byLang[m[1]] = "readme/" + e.Name()
		}
	}
	var out []Readme
	for lang, p := range byLang {
		out = append(out, Readme{Language: lang, Path: p})
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i].Language == "en_US") != (out[j].Language == "en_US") {
			return out[i].Language == "en_US"
		}
		return out[i].Language < out[j].Language
	})
	return out
}
