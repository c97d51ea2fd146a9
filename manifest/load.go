package manifest

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"reflect"
	"sort"
	"strings"

	"github.com/dify-cli/dify/internal/bytesize"
	"github.com/dify-cli/dify/internal/capped"
	"gopkg.in/yaml.v3"
)

// Kind is a kind of provider, named as in the manifest's plugins block.
type Kind string

const (
	Tools           Kind = "tools"
	Endpoints       Kind = "endpoints"
	Models          Kind = "models"
	AgentStrategies Kind = "agent_strategies"
	Datasources     Kind = "datasources"
	Triggers        Kind = "triggers"
)

// Kinds lists provider kinds in the order the daemon loads them.
var Kinds = []Kind{Tools, Endpoints, Models, AgentStrategies, Datasources, Triggers}

// childKey is the key of a provider file that lists its children.
func (k Kind) childKey() string {
	switch k {
	case AgentStrategies:
		return "strategies"
	case Triggers:
		return "events"
	case Models:
		return ""
	}
	return string(k)
}

// Document is one parsed YAML file of the plugin.
type Document struct {
	Path string
	Root *yaml.Node // the top-level node (normally a mapping); nil when the file is empty
}

// Pos returns the position of n in this document.
func (d *Document) Pos(n *yaml.Node) Position { return posOf(d.Path, n) }

// Provider is a provider file and the child declarations it names.
type Provider struct {
	Kind     Kind
	Doc      *Document
	Ref      Position    // where manifest.yaml names the file
	Children []*Document // child declaration files, and inline ones (same Path as the provider)
	// Decl is the provider decoded into its type (*ToolProviderDecl, ...);
	// ChildDecls the children, in the order of Children.
	Decl       any
	ChildDecls []any
}

// Plugin is the whole declaration graph of a plugin.
type Plugin struct {
	Manifest  Manifest
	Doc       *Document
	Providers []*Provider
	// badValues are the lines (file and line) of values that did not fit
	// their types: already reported, so rules about the same values stay
	// quiet instead of repeating them.
	badValues map[Position]bool
}

// MaxYAML bounds every YAML file read: a declaration is a few kilobytes, and
// yaml.v3 needs several times a file's size in memory to decode it.
const MaxYAML = 4 << 20

// Load reads manifest.yaml and every file it references from fsys. It returns
// the graph it could read, plus findings; the graph is nil only when
// manifest.yaml itself cannot be read or decoded.
func Load(fsys fs.FS) (*Plugin, Diagnostics) {
	l := loader{fsys: fsys}
	doc, ds := l.parse(FileName, Position{File: FileName})
	if doc == nil {
		return nil, ds
	}
	p := &Plugin{Doc: doc}
	if doc.Root == nil {
		return nil, append(ds, Diagnostic{Pos: Position{File: FileName}, Severity: Error, Rule: "yaml", Message: "manifest.yaml is empty"})
	}
	ds = append(ds, repairManifest(doc, doc.Root, manifestSchema, "")...)
	if err := doc.Root.Decode(&p.Manifest); err != nil {
		// A value of the wrong type leaves the rest decoded: go on and
		// check everything else, so that one mistake hides no other.
		tds := typeDiagnostics(doc, err)
		if _, ok := err.(*yaml.TypeError); !ok || tds.has("duplicate-key") {
			// Nothing of the manifest was decoded.
			return nil, append(ds, tds...)
		}
		ds = append(ds, tds...)
		p.badValues = tds.lines()
	}
	plugins := lookup(doc.Root, "plugins")
	for _, kind := range Kinds {
		list := lookup(plugins, string(kind))
		if list == nil || list.Kind != yaml.SequenceNode {
			continue
		}
		for _, item := range list.Content {
			ref := doc.Pos(item)
			pdoc, d := l.referenced(ref, item.Value)
			ds = append(ds, d...)
			if pdoc == nil {
				continue
			}
			prov := &Provider{Kind: kind, Doc: pdoc, Ref: ref}
			ds = append(ds, l.children(prov)...)
			if p.badValues == nil {
				p.badValues = map[Position]bool{}
			}
			ds = append(ds, decodeDecls(prov, p.badValues)...)
			p.Providers = append(p.Providers, prov)
		}
	}
	return p, ds
}

type loader struct {
	fsys  fs.FS
	files []string // every file of fsys, listed on first use
}

// parse reads and decodes one YAML file; ref is where it was named.
func (l *loader) parse(p string, ref Position) (*Document, Diagnostics) {
	data, err := capped.ReadFile(l.fsys, p, MaxYAML)
	if err != nil {
		return nil, Diagnostics{readDiagnostic(p, ref, err)}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, syntaxDiagnostics(p, data, err)
	}
	doc := &Document{Path: p}
	if len(root.Content) > 0 && !(root.Content[0].Kind == yaml.ScalarNode && root.Content[0].Tag == "!!null") {
		doc.Root = root.Content[0] // a document of only "---" or "~" is empty
	}
	// A key repeated inside a mapping is reported when the file is decoded
	// into its declaration type, as the daemon decodes it: only where the
	// daemon reads the mapping. Inside a mapping it ignores (extra, an
	// unknown key) a repeated key breaks nothing, and the SDK's YAML
	// reader keeps the last one.
	return doc, nil
}

// referenced reads the YAML file a declaration names at ref: nil, with
// the reason, when the path is unusable or the file does not parse.
func (l *loader) referenced(ref Position, raw string) (*Document, Diagnostics) {
	rel, ds := l.reference(ref, raw)
	if rel == "" {
		return nil, ds
	}
	doc, d := l.parse(rel, ref)
	return doc, append(ds, d...)
}

// reference checks a path written in a declaration and returns the slash path to
// read, or "" when it is unusable.
func (l *loader) reference(at Position, raw string) (string, Diagnostics) {
	if raw == "" {
		return "", Diagnostics{{Pos: at, Severity: Error, Rule: "path", Message: "empty file path"}}
	}
	if strings.Contains(raw, `\`) {
		fixed := strings.ReplaceAll(raw, `\`, "/")
		return "", Diagnostics{{Pos: at, Severity: Error, Rule: "path", Message: fmt.Sprintf("path %q uses backslashes", raw), Hint: fmt.Sprintf("write %q", fixed)}}
	}
	clean := path.Clean(raw)
	if strings.HasPrefix(raw, "/") || clean == ".." || strings.HasPrefix(clean, "../") {
		return "", Diagnostics{{Pos: at, Severity: Error, Rule: "path", Message: fmt.Sprintf("path %q points outside the plugin", raw), Hint: "reference files inside the plugin directory, relative to its root"}}
	}
	if clean != raw {
		return clean, Diagnostics{{Pos: at, Severity: Error, Rule: "path", Message: fmt.Sprintf("path %q is not a clean relative path; the daemon cannot open it inside a package", raw), Hint: fmt.Sprintf("write %q", clean)}}
	}
	return clean, nil
}

func readDiagnostic(p string, ref Position, err error) Diagnostic {
	inner := err
	var pe *fs.PathError
	if errors.As(err, &pe) {
		inner = pe.Err
	}
	d := Diagnostic{Pos: ref, Severity: Error, Rule: "file-missing"}
	var tooLarge *capped.TooLargeError
	var wide interface{ PluginWide() bool }
	switch {
	case errors.As(inner, &wide) && wide.PluginWide():
		// The read was stopped by a problem of the whole plugin (its
		// size), which names the files it concerns.
		d.Rule = "size"
		d.Message = fmt.Sprintf("%s was not read: %v", p, inner)
		return d
	case errors.As(err, &tooLarge):
		d.Rule = "file-size"
		d.Message = fmt.Sprintf("%s is %s; declaration files are read up to %s", p, bytesize.Format(tooLarge.Size), bytesize.Format(MaxYAML))
		d.Hint = "a declaration this large is not a real one: check that the file is what the manifest means to name"
	case inner == fs.ErrNotExist:
		d.Message = fmt.Sprintf("%s does not exist", p)
	case errors.Is(inner, fs.ErrNotExist):
		// The file is on disk but the ignore rules leave it out.
		d.Rule = "file-ignored"
		d.Message = fmt.Sprintf("%s is not packaged: %v; the daemon would not find it", p, inner)
		d.Hint = "change the ignore rule so that this file is kept"
	default:
		d.Rule = "file-unreadable"
		d.Message = fmt.Sprintf("cannot read %s: %v", p, inner)
	}
	if ref.File == p {
		d.Pos = Position{File: p}
	}
	return d
}

// children loads the child declarations a provider lists.
func (l *loader) children(prov *Provider) Diagnostics {
	if prov.Kind == Models {
		return l.models(prov)
	}
	list := lookup(prov.Doc.Root, prov.Kind.childKey())
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil
	}
	var ds Diagnostics
	for _, item := range list.Content {
		if item.Kind == yaml.MappingNode {
			prov.Children = append(prov.Children, &Document{Path: prov.Doc.Path, Root: item})
			continue
		}
		doc, d := l.referenced(prov.Doc.Pos(item), item.Value)
		ds = append(ds, d...)
		if doc != nil {
			prov.Children = append(prov.Children, doc)
		}
	}
	return ds
}

// modelKinds are the keys of a model provider's models block.
var modelKinds = ModelTypeKeys()

// models loads the position files and the model files matched by the
// predefined patterns of a model provider.
func (l *loader) models(prov *Provider) Diagnostics {
	block := lookup(prov.Doc.Root, "models")
	if block == nil || block.Kind != yaml.MappingNode {
		return nil
	}
	var ds Diagnostics
	for _, kind := range modelKinds {
		spec := lookup(block, kind)
		if spec == nil {
			continue
		}
		if pos := lookup(spec, "position"); pos != nil && pos.Value != "" {
			_, d := l.referenced(prov.Doc.Pos(pos), pos.Value)
			ds = append(ds, d...)
		}
		patterns := lookup(spec, "predefined")
		if patterns == nil || patterns.Kind != yaml.SequenceNode {
			continue
		}
		for _, pat := range patterns.Content {
			if _, err := path.Match(pat.Value, ""); err != nil {
				ds = append(ds, Diagnostic{Pos: prov.Doc.Pos(pat), Severity: Error, Rule: "model-pattern", Message: fmt.Sprintf("bad file pattern %q: %v", pat.Value, err)})
				continue
			}
			for _, f := range l.allFiles() {
				if ok, _ := path.Match(pat.Value, f); !ok || strings.HasSuffix(f, "_position.yaml") {
					continue
				}
				doc, d := l.parse(f, prov.Doc.Pos(pat))
				ds = append(ds, d...)
				if doc != nil {
					prov.Children = append(prov.Children, doc)
				}
			}
		}
	}
	return ds
}

func (l *loader) allFiles() []string {
	if l.files == nil {
		l.files = []string{}
		fs.WalkDir(l.fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				l.files = append(l.files, p)
			}
			return nil
		})
		sort.Strings(l.files)
	}
	return l.files
}

// lookup follows keys through nested mappings and returns the value node, or nil.
func lookup(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		n = next
	}
	return n
}

// decodeDecls decodes a provider and its children into their Go types;
// type mismatches are errors at the lines yaml names.
func decodeDecls(prov *Provider, bad map[Position]bool) Diagnostics {
	newProvider, newChild := declTypes(prov.Kind)
	var ds Diagnostics
	decode := func(doc *Document, v any) any {
		if doc.Root == nil {
			return v
		}
		ds = append(ds, repairDecl(doc, doc.Root, reflect.TypeOf(v), "")...)
		if err := doc.Root.Decode(v); err != nil {
			tds := typeDiagnostics(doc, err)
			ds = append(ds, tds...)
			maps.Copy(bad, tds.lines())
		}
		return v
	}
	prov.Decl = decode(prov.Doc, newProvider())
	for _, c := range prov.Children {
		prov.ChildDecls = append(prov.ChildDecls, decode(c, newChild()))
	}
	return ds
}
