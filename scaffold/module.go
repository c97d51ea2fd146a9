package scaffold

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dify-cli/dify/internal/atomicfile"
	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/templates"
)

// Change is a file that AppendModule creates or rewrites.
type Change struct {
	File File
	New  bool
}

// ModuleKinds are what AppendModule adds.
var ModuleKinds = []string{"tool", "endpoint"}

// AppendModule plans adding a tool or an endpoint named name to the plugin
// in dir: the declaration and Python files from the init templates, the
// registration in the provider (or endpoint group) file, and, when the plugin
// had none, that file and its manifest entry (plus the endpoint permission).
// It refuses what the daemon would reject and never overwrites a file.
func AppendModule(dir string, p *manifest.Plugin, kind, name string) ([]Change, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	m := p.Manifest
	for _, k := range []struct {
		list []string
		what string
	}{{m.Plugins.Models, "model"}, {m.Plugins.AgentStrategies, "agent strategy"}, {m.Plugins.Datasources, "datasource"}, {m.Plugins.Triggers, "trigger"}} {
		if len(k.list) > 0 {
			return nil, fmt.Errorf("a %s plugin cannot also provide %ss: the daemon refuses plugins that combine them", k.what, kind)
		}
	}
	var (
		dirs          []string
		providerKind  manifest.Kind
		manifestKey   string
		listKey       string
		providerFile  string
		providerTmpls string
	)
	switch kind {
	case "tool":
		dirs, providerKind, manifestKey, listKey = []string{"tools"}, manifest.Tools, "tools", "tools"
		providerFile, providerTmpls = "provider/"+m.Name+".yaml", "python/tool/provider"
	case "endpoint":
		dirs, providerKind, manifestKey, listKey = []string{"endpoints"}, manifest.Endpoints, "endpoints", "endpoints"
		providerFile, providerTmpls = "group/"+m.Name+".yaml", "python/extension/group"
	default:
		return nil, fmt.Errorf("cannot append %q: use one of %s", kind, strings.Join(ModuleKinds, ", "))
	}
	o := Options{Name: name, Author: m.Author, Description: m.Description["en_US"], Category: m.Category(), Language: "python"}
	d := Data{Options: o, Class: className(name)}
	funcs := funcMap()
	var changes []Change
	tmplDir := "python/tool/tools"
	if kind == "endpoint" {
		tmplDir = "python/extension/endpoints"
	}
	for _, ext := range []string{".yaml", ".py"} {
		rel := dirs[0] + "/" + name + ext
		data, err := renderFile(tmplDir+"/NAME"+ext+".tmpl", d, funcs)
		if err != nil {
			return nil, err
		}
		changes = append(changes, Change{File: File{Path: rel, Data: data}, New: true})
	}
	entry := dirs[0] + "/" + name + ".yaml"

	var provider *manifest.Provider
	for _, prov := range p.Providers {
		if prov.Kind == providerKind {
			provider = prov
		}
	}
	if provider != nil {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(provider.Doc.Path)))
		if err != nil {
			return nil, err
		}
		if data, err = manifest.AppendToList(data, entry, listKey); err != nil {
			return nil, fmt.Errorf("%s: %v", provider.Doc.Path, err)
		}
		changes = append(changes, Change{File: File{Path: provider.Doc.Path, Data: data}})
	} else {
		// No provider yet: create it from the plugin's name, listing the new module.
		pd := Data{Options: Options{Name: m.Name, Author: m.Author, Description: m.Description["en_US"]}, Class: className(m.Name)}
		entries, err := fs.ReadDir(templates.FS, providerTmpls)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			data, err := renderFile(providerTmpls+"/"+e.Name(), pd, funcs)
			if err != nil {
				return nil, err
			}
			rel := strings.ReplaceAll(strings.TrimSuffix(filepath.Base(providerTmpls)+"/"+e.Name(), ".tmpl"), "NAME", m.Name)
			if strings.HasSuffix(rel, ".yaml") {
				if data, err = replaceList(data, listKey, entry); err != nil {
					return nil, err
				}
			}
			changes = append(changes, Change{File: File{Path: rel, Data: data}, New: true})
		}
		mdata, err := os.ReadFile(filepath.Join(dir, manifest.FileName))
		if err != nil {
			return nil, err
		}
		if mdata, err = manifest.AppendToList(mdata, providerFile, "plugins", manifestKey); err != nil {
			return nil, err
		}
		if kind == "endpoint" {
			if mdata, err = manifest.SetPermissions(mdata, m.Grant().With("endpoint")); err != nil {
				return nil, err
			}
		}
		changes = append(changes, Change{File: File{Path: manifest.FileName, Data: mdata}})
	}
	for _, c := range changes {
		if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(c.File.Path))); c.New && err == nil {
			return nil, fmt.Errorf("%s already exists; nothing was written", c.File.Path)
		} else if c.New && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return changes, nil
}

func renderFile(name string, d Data, funcs map[string]any) ([]byte, error) {
	text, err := fs.ReadFile(templates.FS, name)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(name, ".tmpl") {
		return text, nil
	}
	return render(name, text, d, funcs)
}

// replaceList makes key in a freshly rendered provider file list only entry.
func replaceList(data []byte, key, entry string) ([]byte, error) {
	lines := strings.Split(string(data), "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		out = append(out, lines[i])
		if lines[i] == key+":" {
			out = append(out, "  - "+entry)
			for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "  - ") {
				i++
			}
		}
	}
	return []byte(strings.Join(out, "\n")), nil
}

// ApplyChanges writes the planned changes: new files first, then the edited
// ones, each atomically. If a step fails, the new files are removed again.
func ApplyChanges(dir string, changes []Change) (err error) {
	var created []string
	defer func() {
		if err != nil {
			for _, p := range created {
				os.Remove(p)
			}
		}
	}()
	for _, new := range []bool{true, false} {
		for _, c := range changes {
			if c.New != new {
				continue
			}
			p := filepath.Join(dir, filepath.FromSlash(c.File.Path))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			if c.New {
				f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
				if err != nil {
					return err
				}
				created = append(created, p)
				_, werr := f.Write(c.File.Data)
				if cerr := f.Close(); werr == nil {
					werr = cerr
				}
				if werr != nil {
					return werr
				}
				continue
			}
			data := c.File.Data
			if err := atomicfile.Write(p, 0o644, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
				return err
			}
		}
	}
	return nil
}
