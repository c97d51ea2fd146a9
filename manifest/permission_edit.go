package manifest

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/dify-cli/dify/internal/atomicfile"
	"github.com/dify-cli/dify/internal/capped"
)

// EditPermissions changes what the manifest.yaml in dir grants. change
// gets the current grant and returns the new one and whether to write it
// (a person may look and change nothing). Only resource.permission
// changes: comments, key order and the rest of the formatting are kept,
// and the file is replaced in one step, only when its bytes change. It
// returns the grant the manifest holds afterwards.
func EditPermissions(dir string, change func(current Grant) (Grant, bool, error)) (Grant, error) {
	file := filepath.Join(dir, FileName)
	if st, err := os.Stat(file); err == nil && !st.Mode().IsRegular() {
		return Grant{}, fmt.Errorf("%s is not a regular file", file)
	}
	data, err := capped.ReadFile(os.DirFS(dir), FileName, MaxYAML)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Grant{}, fmt.Errorf("%s does not exist; run this in a plugin directory or give its path", file)
		}
		return Grant{}, err
	}
	var m Manifest
	if err := yaml.Unmarshal(data, &m); err != nil {
		ds := syntaxDiagnostics(FileName, data, err)
		return Grant{}, fmt.Errorf("%s: %s", file, ds[0].String())
	}
	grant, write, err := change(m.Grant())
	if err != nil || !write {
		return grant, err
	}
	out, err := SetPermissions(data, grant)
	if err != nil {
		return Grant{}, fmt.Errorf("%s: %v", file, err)
	}
	if string(out) != string(data) {
		if err := atomicfile.Write(file, 0o644, func(w io.Writer) error { _, err := w.Write(out); return err }); err != nil {
			return Grant{}, err
		}
	}
	return grant, nil
}
