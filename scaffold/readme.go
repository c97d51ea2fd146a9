package scaffold

import (
	"fmt"
	"io/fs"

	"github.com/dify-cli/dify/templates"
)

// Readme renders a README translation for an existing plugin: the
// language's own template when there is one, else the English README to
// translate.
func Readme(o Options, lang string) ([]byte, error) {
	name := fmt.Sprintf("python/common/readme/README_%s.md.tmpl", lang)
	text, err := fs.ReadFile(templates.FS, name)
	if err != nil {
		name = "python/common/README.md.tmpl"
		if text, err = fs.ReadFile(templates.FS, name); err != nil {
			return nil, err
		}
	}
	return render(name, text, Data{Options: o, Class: className(o.Name)}, funcMap())
}
