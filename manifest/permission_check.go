package manifest

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/dify-cli/dify/internal/bytesize"
	"github.com/dify-cli/dify/internal/capped"
)

// maxSource bounds a Python file read for the permission check.
const maxSource = 4 << 20

// CheckPermissions compares what the plugin's Python code asks of Dify with
// the permissions its manifest requests: a missing one is an error (the call
// fails at run time), an unused one a warning.
func CheckPermissions(p *Plugin, fsys fs.FS) Diagnostics {
	var ds Diagnostics
	have := p.Manifest.Grant()
	used := map[string]bool{}
	fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(name, ".py") {
			return nil
		}
		data, err := capped.ReadFile(fsys, name, maxSource)
		var tooLarge *capped.TooLargeError
		if errors.As(err, &tooLarge) {
			ds = append(ds, Diagnostic{Pos: Position{File: name}, Severity: Warning, Rule: "file-size",
				Message: fmt.Sprintf("not checked for calls that need permissions: %s is over the %s a source file is read up to", bytesize.Format(tooLarge.Size), bytesize.Format(maxSource))})
			return nil
		}
		if err != nil {
			return nil
		}
		for i, line := range strings.Split(string(data), "\n") {
			code := line
			if j := strings.IndexByte(code, '#'); j >= 0 {
				code = code[:j]
			}
			for _, perm := range Permissions {
				if perm.use == nil {
					continue
				}
				loc := perm.use().FindStringIndex(code)
				if loc == nil {
					continue
				}
				used[perm.Key] = true
				if !have.Has(perm.Key) {
					ds = append(ds, Diagnostic{Pos: Position{File: name, Line: i + 1, Col: loc[0] + 1}, Severity: Error, Rule: "permission-missing",
						Message: fmt.Sprintf("%s needs the %s permission, which manifest.yaml does not grant; the call will be refused at run time", code[loc[0]:loc[1]], perm.Key),
						Hint:    "add " + PermissionYAML(perm.Key)})
				}
			}
		}
		return nil
	})
	root := p.Doc.Root
	if len(p.Manifest.Plugins.Endpoints) > 0 {
		used["endpoint"] = true
		if !have.Has("endpoint") {
			ds = append(ds, Diagnostic{Pos: p.Doc.Pos(at(root, "plugins", "endpoints")), Severity: Error, Rule: "permission-missing",
				Message: "the plugin declares endpoints but not the endpoint permission; Dify refuses to set them up",
				Hint:    "add " + PermissionYAML("endpoint")})
		}
	}
	for _, perm := range have.Keys() {
		// "model" only holds the kinds; each kind is checked on its own.
		if perm == "model" || used[perm] {
			continue
		}
		node := at(root, append([]string{"resource", "permission"}, strings.Split(perm, ".")...)...)
		ds = append(ds, Diagnostic{Pos: p.Doc.Pos(node), Severity: Warning, Rule: "permission-unused",
			Message: fmt.Sprintf("the %s permission is requested but no code uses it", perm),
			Hint:    "remove it unless the plugin needs it; users see every permission a plugin asks for"})
	}
	return ds
}
