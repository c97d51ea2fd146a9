package manifest

import (
	"fmt"
	"io/fs"
	"strings"

	"gopkg.in/yaml.v3"
)

// AssetsDir holds the files that icon fields name.
const AssetsDir = "_assets"

var iconLanguages = []string{"en_US", "zh_Hans", "ja_JP", "pt_BR"}

// CheckAssets reports icon fields whose file is not under _assets/ in fsys.
// It checks every field the daemon resolves when it installs a plugin, which is
// more than `dify plugin package` of the reference checks.
func CheckAssets(p *Plugin, fsys fs.FS) Diagnostics {
	var ds Diagnostics
	check := func(doc *Document, n *yaml.Node, what string) {
		if n == nil || n.Kind != yaml.ScalarNode || n.Value == "" {
			return
		}
		key := n.Value
		if _, err := fs.Stat(fsys, AssetsDir+"/"+key); err == nil {
			return
		}
		d := Diagnostic{Pos: doc.Pos(n), Severity: Error, Rule: "icon-missing",
			Message: fmt.Sprintf("%s %q not found: there is no %s/%s", what, key, AssetsDir, key)}
		if trimmed := strings.TrimPrefix(strings.TrimPrefix(key, "./"), AssetsDir+"/"); trimmed != key {
			if _, err := fs.Stat(fsys, AssetsDir+"/"+trimmed); err == nil {
				d.Hint = fmt.Sprintf("icons are named relative to %s/: write %q", AssetsDir, trimmed)
			}
		}
		if d.Hint == "" {
			d.Hint = fmt.Sprintf("put the file in %s/ (and make sure no ignore rule leaves it out)", AssetsDir)
		}
		ds = append(ds, d)
	}
	check(p.Doc, lookup(p.Doc.Root, "icon"), "plugin icon")
	check(p.Doc, lookup(p.Doc.Root, "icon_dark"), "plugin dark icon")
	for _, prov := range p.Providers {
		root := prov.Doc.Root
		switch prov.Kind {
		case Tools, AgentStrategies, Triggers:
			check(prov.Doc, lookup(root, "identity", "icon"), "provider icon")
			check(prov.Doc, lookup(root, "identity", "icon_dark"), "provider dark icon")
		case Datasources:
			check(prov.Doc, lookup(root, "identity", "icon"), "provider icon")
			for _, c := range prov.Children {
				check(c, lookup(c.Root, "identity", "icon"), "datasource icon")
			}
		case Models:
			for _, field := range []string{"icon_small", "icon_large", "icon_small_dark", "icon_large_dark"} {
				for _, lang := range iconLanguages {
					check(prov.Doc, lookup(root, field, lang), fmt.Sprintf("model %s %s", strings.ReplaceAll(field, "_", " "), lang))
				}
			}
		}
	}
	return ds
}
