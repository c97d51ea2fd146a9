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
// the permissions its manifest requests. Both findings are warnings: a
// missing permission makes a call fail at run time, but Dify installs and
// starts the plugin all the same.
func CheckPermissions(p *Plugin, fsys fs.FS) Diagnostics {
	return scanPython(fsys).findings(p)
}

// pyScan is what the plugin's Python sources ask of the session, found
// without the manifest, so that it can run while the manifest loads.
type pyScan struct {
	files []*pyFile
	ds    Diagnostics // sources too large to read
}

func scanPython(fsys fs.FS) *pyScan {
	scan := &pyScan{}
	fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(name, ".py") {
			return nil
		}
		data, err := capped.ReadFile(fsys, name, maxSource)
		var tooLarge *capped.TooLargeError
		if errors.As(err, &tooLarge) {
			scan.ds = append(scan.ds, Diagnostic{Pos: Position{File: name}, Severity: Warning, Rule: "file-size",
				Message: fmt.Sprintf("not checked for calls that need permissions: %s is over the %s a source file is read up to", bytesize.Format(tooLarge.Size), bytesize.Format(maxSource))})
			return nil
		}
		if err == nil {
			scan.files = append(scan.files, parsePython(name, string(data)))
		}
		return nil
	})
	findSessions(scan.files)
	return scan
}

// findings compares the scan with the permissions p's manifest grants.
func (scan *pyScan) findings(p *Plugin) Diagnostics {
	ds := append(Diagnostics(nil), scan.ds...)
	files := scan.files
	have := p.Manifest.Grant()
	used := map[string]bool{}
	for _, f := range files {
		for _, u := range f.sessionUses() {
			used[u.perm] = true
			if have.Has(u.perm) {
				continue
			}
			msg := fmt.Sprintf("%s needs the %s permission, which manifest.yaml does not grant; the call will be refused at run time", u.text, u.perm)
			if u.via != "" {
				msg = fmt.Sprintf("%s (the session, passed to %s) needs the %s permission, which manifest.yaml does not grant; the call will be refused at run time", u.text, u.via, u.perm)
			}
			ds = append(ds, Diagnostic{Pos: Position{File: u.file, Line: u.line, Col: u.col}, Severity: Warning, Rule: "permission-missing",
				Message: msg, Hint: "add " + PermissionYAML(u.perm)})
		}
	}
	root := p.Doc.Root
	if len(p.Manifest.Plugins.Endpoints) > 0 {
		used["endpoint"] = true
		if !have.Has("endpoint") {
			ds = append(ds, Diagnostic{Pos: p.Doc.Pos(at(root, "plugins", "endpoints")), Severity: Warning, Rule: "permission-missing",
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
