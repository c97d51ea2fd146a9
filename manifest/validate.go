package manifest

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/dify-cli/dify/depfile"
)

// Check loads the plugin in fsys and applies every rule: what the daemon
// enforces when packaging, installing and registering a plugin, what the
// Python SDK needs to start it, and advisory checks. The findings are sorted.
func Check(fsys fs.FS) Diagnostics {
	// The Python sources are scanned while the YAML loads and is checked:
	// the two are independent, and each is a good part of the work.
	scanned := make(chan *pyScan, 1)
	go func() { scanned <- scanPython(fsys) }()
	p, ds := Load(fsys)
	if p != nil {
		ds = append(ds, CheckAssets(p, fsys)...)
		ds = append(ds, Validate(p, fsys)...)
	}
	scan := <-scanned
	if p != nil {
		ds = append(ds, scan.findings(p)...)
	}
	ds.Sort()
	return ds
}

// Validate applies the manifest and declaration rules to a loaded plugin.
func Validate(p *Plugin, fsys fs.FS) Diagnostics {
	v := &validator{fsys: fsys, bad: p.badValues}
	v.manifest(p)
	v.providers(p)
	v.declarations(p)
	v.unknownDeclKeys(p)
	v.runtime(p)
	return v.ds
}

type validator struct {
	fsys fs.FS
	ds   Diagnostics
	bad  map[Position]bool // values already reported as the wrong type
}

func (v *validator) add(doc *Document, n *yaml.Node, sev Severity, rule, msg, hint string) {
	pos := doc.Pos(n)
	if v.bad[Position{File: pos.File, Line: pos.Line}] {
		return // the value's type error says it
	}
	v.ds = append(v.ds, Diagnostic{Pos: pos, Severity: sev, Rule: rule, Message: msg, Hint: hint})
}

func (v *validator) errorf(doc *Document, n *yaml.Node, rule, hint, format string, args ...any) {
	v.add(doc, n, Error, rule, fmt.Sprintf(format, args...), hint)
}

func (v *validator) warnf(doc *Document, n *yaml.Node, rule, hint, format string, args ...any) {
	v.add(doc, n, Warning, rule, fmt.Sprintf(format, args...), hint)
}

// The reasons behind a declaration finding's severity: an error means Dify
// refuses the plugin (at packaging, upload or install) or the plugin cannot
// start; anything else is a warning.
const (
	// The Python SDK validates the declarations when the plugin starts.
	whySDK = "the plugin fails to start (the Python SDK refuses it)"
	// The daemon validates declarations in full only when a plugin
	// connects for remote debugging; packages install regardless.
	whyDebug = "Dify refuses it only when the plugin connects for remote debugging"
)

// sdkf reports what the SDK refuses at start-up: an error.
func (v *validator) sdkf(doc *Document, n *yaml.Node, rule, hint, format string, args ...any) {
	v.add(doc, n, Error, rule, fmt.Sprintf(format, args...)+"; "+whySDK, hint)
}

// debugf reports what only remote debugging refuses: a warning.
func (v *validator) debugf(doc *Document, n *yaml.Node, rule, hint, format string, args ...any) {
	v.add(doc, n, Warning, rule, fmt.Sprintf(format, args...)+"; "+whyDebug, hint)
}

// at returns the node for keys, or the closest existing parent, for positions.
func at(root *yaml.Node, keys ...string) *yaml.Node {
	n := root
	for _, k := range keys {
		next := lookup(n, k)
		if next == nil {
			return n
		}
		n = next
	}
	return n
}

func keyNode(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i]
		}
	}
	return nil
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

func (v *validator) manifest(p *Plugin) {
	doc, root, m := p.Doc, p.Doc.Root, &p.Manifest
	v.knownKeys(doc, root, manifestSchema, "")

	if err := CheckVersion(m.Version); err != nil {
		v.errorf(doc, at(root, "version"), "version", `use three numbers, e.g. version: 0.0.1`, "%v", err)
	}
	if m.Type != "plugin" {
		v.errorf(doc, at(root, "type"), "type", "write type: plugin", "type must be \"plugin\", not %q", m.Type)
	}
	if err := CheckName(m.Name); err != nil {
		v.errorf(doc, at(root, "name"), "name", "use lower-case letters, digits, _ and -", "%v", err)
	}
	if m.Author == "" {
		v.errorf(doc, at(root, "author"), "author", "add author: your-name (lower case)", "author is missing; the daemon refuses plugins without one")
	} else if err := CheckAuthor(m.Author); err != nil {
		hint := "use lower-case letters, digits, _ and -"
		if lower := strings.ToLower(m.Author); nameMatches(lower, 64) && !uuidMatches(lower) {
			hint = fmt.Sprintf("write author: %s", lower)
		}
		v.errorf(doc, at(root, "author"), "author", hint, "%v", err)
	}
	v.i18n(doc, root, "label", true, 1024)
	v.i18n(doc, root, "description", true, 1024)
	if m.Icon == "" {
		v.errorf(doc, at(root, "icon"), "icon-required", "add icon: icon.svg and put the file in _assets/", "icon is missing")
	}
	if runes(m.Icon) > 128 || runes(m.IconDark) > 128 {
		v.errorf(doc, at(root, "icon"), "icon-length", "", "icon names are limited to 128 characters")
	}
	if m.Resource.Memory == 0 {
		v.errorf(doc, at(root, "resource", "memory"), "memory", "add resource: memory: 268435456 (bytes)", "resource.memory is required and must not be 0")
	}
	if perm := lookup(root, "resource", "permission", "storage"); perm != nil && m.Resource.Permission != nil && m.Resource.Permission.Storage != nil {
		if size := m.Resource.Permission.Storage.Size; CheckStorageSize(size) != nil {
			v.errorf(doc, at(perm, "size"), "storage-size", "set size between 1024 and 1073741824 bytes, e.g. size: 1048576",
				"storage size %d is out of range: it must be between 1024 and 1073741824 bytes (checked even when storage is disabled)", size)
		}
	}
	v.meta(doc, root, m)
	for i, tag := range m.Tags {
		if !slices.Contains(Tags, tag) {
			hint := "valid tags: " + strings.Join(Tags, ", ")
			if c := closest(tag, Tags); c != "" {
				hint = fmt.Sprintf("did you mean %q?", c)
			}
			v.errorf(doc, lookup(root, "tags").Content[i], "tag", hint, "tag %q is not one the daemon accepts", tag)
		}
	}
	if n := keyNode(root, "repo"); n != nil {
		val := lookup(root, "repo")
		if val.Tag != "!!null" && !validURL(val.Value) {
			v.errorf(doc, val, "repo-url", "write a full URL such as https://github.com/you/plugin, or remove the key", "repo %q is not a URL", val.Value)
		}
	}
	if n := lookup(root, "created_at"); n == nil || scalar(n) == "" {
		v.errorf(doc, at(root, "created_at"), "created-at", `add created_at: "2024-01-01T00:00:00Z"`, "created_at is missing")
	} else if !validTimestamp(n.Value, n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0) {
		v.errorf(doc, n, "created-at", `write an RFC 3339 time, e.g. "2024-01-01T00:00:00Z"`, "created_at %q is not a valid time", n.Value)
	}
	v.combinations(doc, root, m)
	if m.Name != "" && m.Version != "" {
		if err := CheckIdentifier(m.Identifier(strings.Repeat("0", 64))); err != nil && nameMatches(m.Author, 64) && nameMatches(m.Name, 128) {
			v.errorf(doc, at(root, "version"), "identifier", "", "the plugin's unique identifier would be invalid: %v", err)
		}
	}
}

func (v *validator) meta(doc *Document, root *yaml.Node, m *Manifest) {
	meta := lookup(root, "meta")
	if meta == nil {
		v.errorf(doc, root, "meta", "add meta with version, arch and runner", "meta is missing")
		return
	}
	if err := CheckVersion(m.Meta.Version); err != nil {
		v.errorf(doc, at(meta, "version"), "meta-version", "write meta: version: 0.0.1", "meta.version: %v", err)
	}
	if arch := lookup(meta, "arch"); arch == nil || arch.Tag == "!!null" {
		v.errorf(doc, meta, "arch", "add arch: [amd64, arm64]", "meta.arch is required")
	} else {
		for i, a := range m.Meta.Arch {
			if a != "amd64" && a != "arm64" {
				v.errorf(doc, arch.Content[i], "arch", "use amd64 or arm64", "architecture %q is not supported", a)
			}
		}
	}
	runner := lookup(meta, "runner")
	if m.Meta.Runner.Language != "python" {
		v.errorf(doc, at(runner, "language"), "runner-language", "write language: python", "runner language %q is not supported; only python is", m.Meta.Runner.Language)
	}
	if m.Meta.Runner.Version == "" {
		v.errorf(doc, at(runner, "version"), "runner-version", `add version: "3.12"`, "runner version is missing")
	} else if runes(m.Meta.Runner.Version) > 128 {
		v.errorf(doc, at(runner, "version"), "runner-version", "", "runner version is longer than 128 characters")
	}
	if m.Meta.Runner.Entrypoint == "" {
		v.errorf(doc, at(runner, "entrypoint"), "entrypoint", "add entrypoint: main", "runner entrypoint is missing")
	} else if runes(m.Meta.Runner.Entrypoint) > 256 {
		v.errorf(doc, at(runner, "entrypoint"), "entrypoint", "", "runner entrypoint is longer than 256 characters")
	}
	if mdv := m.Meta.MinimumDifyVersion; mdv != "" && !versionMatches(mdv) {
		v.warnf(doc, at(meta, "minimum_dify_version"), "minimum-dify-version", "write three numbers, e.g. 1.0.0", "minimum_dify_version %q is not a version like 1.0.0", mdv)
	}
}

// i18n checks an I18n mapping at key under parent.
func (v *validator) i18n(doc *Document, parent *yaml.Node, key string, required bool, limit int) {
	n := lookup(parent, key)
	if n == nil || n.Tag == "!!null" {
		if required {
			v.errorf(doc, at(parent, key), "i18n", fmt.Sprintf("add %s: {en_US: ...}", key), "%s is missing; it needs at least en_US", key)
		}
		return
	}
	if n.Kind != yaml.MappingNode {
		return // a type error, reported when decoding
	}
	if en := lookup(n, "en_US"); en == nil || scalar(en) == "" {
		v.errorf(doc, n, "i18n", fmt.Sprintf("add en_US under %s", key), "%s has no en_US text, which is required", key)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if !slices.Contains(Languages, k.Value) {
			hint := "Dify keeps only " + strings.Join(Languages, ", ")
			if c := closest(k.Value, Languages); c != "" {
				hint = fmt.Sprintf("did you mean %s?", c)
			}
			v.warnf(doc, k, "i18n-language", hint, "language %q under %s is ignored by Dify", k.Value, key)
		}
		if runes(val.Value) >= limit {
			v.errorf(doc, val, "i18n-length", "", "%s.%s is %d characters; the limit is %d", key, k.Value, runes(val.Value), limit-1)
		}
	}
}

func (v *validator) combinations(doc *Document, root *yaml.Node, m *Manifest) {
	plugins := lookup(root, "plugins")
	kinds := map[Kind]int{Tools: len(m.Plugins.Tools), Models: len(m.Plugins.Models), Endpoints: len(m.Plugins.Endpoints),
		AgentStrategies: len(m.Plugins.AgentStrategies), Datasources: len(m.Plugins.Datasources), Triggers: len(m.Plugins.Triggers)}
	var present []Kind
	for _, k := range Kinds {
		if kinds[k] > 0 {
			present = append(present, k)
		}
		if kinds[k] > 1 {
			v.warnf(doc, lookup(plugins, string(k)), "provider-multiple", "declare one provider per kind; put all tools in one provider file",
				"plugins.%s lists %d files; the daemon keeps only the last", k, kinds[k])
		}
	}
	if len(present) == 0 {
		v.errorf(doc, at(root, "plugins"), "no-provider", "list a provider file under plugins (tools, models, endpoints, agent_strategies, datasources or triggers)",
			"the plugin declares no provider; the daemon refuses it")
		return
	}
	for _, exclusive := range []Kind{Models, AgentStrategies, Datasources, Triggers} {
		if kinds[exclusive] > 0 && len(present) > 1 {
			v.errorf(doc, lookup(plugins, string(exclusive)), "provider-combination", "a plugin with "+string(exclusive)+" may declare nothing else; split it into two plugins",
				"%s cannot be combined with %s in one plugin", exclusive, joinKinds(present, exclusive))
			return
		}
	}
}

func joinKinds(kinds []Kind, except Kind) string {
	var s []string
	for _, k := range kinds {
		if k != except {
			s = append(s, string(k))
		}
	}
	return strings.Join(s, " and ")
}

// providers checks provider and child declarations.
func (v *validator) providers(p *Plugin) {
	for _, prov := range p.Providers {
		root := prov.Doc.Root
		if root == nil || root.Kind != yaml.MappingNode {
			v.errorf(prov.Doc, root, "provider-shape", "", "%s must be a YAML mapping", prov.Doc.Path)
			continue
		}
		if tags := lookup(root, "identity", "tags"); tags != nil && tags.Kind == yaml.SequenceNode {
			accepted := sdkTags(prov.Kind)
			for _, t := range tags.Content {
				if !slices.Contains(Tags, t.Value) || !slices.Contains(accepted, t.Value) {
					both := slices.DeleteFunc(slices.Clone(accepted), func(s string) bool { return !slices.Contains(Tags, s) })
					hint := "valid tags here: " + strings.Join(both, ", ")
					if len(both) == 0 {
						hint = "remove the provider's tags; the manifest's tags describe the plugin"
					} else if c := closest(t.Value, both); c != "" {
						hint = fmt.Sprintf("did you mean %q?", c)
					}
					v.oneOf(prov.Doc, t, "tag", "tag", t.Value, Tags, accepted)
					v.ds[len(v.ds)-1].Hint = hint
				}
			}
		}
		if prov.Kind == Endpoints {
			for _, c := range prov.Children {
				if m := lookup(c.Root, "method"); m != nil && !slices.Contains([]string{"HEAD", "GET", "POST", "PUT", "DELETE", "OPTIONS"}, m.Value) {
					v.debugf(c, m, "endpoint-method", fmt.Sprintf("write %q", strings.ToUpper(m.Value)), "endpoint method %q is not one of HEAD, GET, POST, PUT, DELETE, OPTIONS", m.Value)
				}
			}
		}
		v.pythonSources(prov)
	}
}

// pythonSources checks that every Python file a declaration names exists.
func (v *validator) pythonSources(prov *Provider) {
	check := func(doc *Document, n *yaml.Node) {
		src := scalar(n)
		if src == "" {
			return
		}
		clean := path.Clean(src)
		if _, err := fs.Stat(v.fsys, clean); err != nil {
			v.errorf(doc, n, "python-source", "create the file, or fix the path (relative to the plugin root)", "Python source %s does not exist", src)
		}
	}
	requireSource := func(doc *Document, what string) {
		extra := lookup(doc.Root, "extra", "python", "source")
		if scalar(extra) == "" {
			v.errorf(doc, doc.Root, "python-source", "add extra: python: source: path/to/file.py", "%s has no extra.python.source; the SDK cannot load it", what)
			return
		}
		check(doc, extra)
	}
	switch prov.Kind {
	case Models:
		py := lookup(prov.Doc.Root, "extra", "python")
		if scalar(lookup(py, "provider_source")) == "" {
			v.errorf(prov.Doc, prov.Doc.Root, "python-source", "add extra: python: provider_source: provider/x.py", "model provider has no extra.python.provider_source")
		}
		check(prov.Doc, lookup(py, "provider_source"))
		if srcs := lookup(py, "model_sources"); srcs != nil && srcs.Kind == yaml.SequenceNode {
			for _, s := range srcs.Content {
				check(prov.Doc, s)
			}
		}
	case Tools, AgentStrategies, Datasources, Triggers:
		check(prov.Doc, lookup(prov.Doc.Root, "extra", "python", "source"))
		for _, c := range prov.Children {
			requireSource(c, "declaration "+c.Path)
		}
	case Endpoints:
		for _, c := range prov.Children {
			requireSource(c, "endpoint "+c.Path)
		}
	}
}

// runtime checks what the Python runtime needs to start the plugin.
func (v *validator) runtime(p *Plugin) {
	doc, root := p.Doc, p.Doc.Root
	if ep := p.Manifest.Meta.Runner.Entrypoint; ep != "" && p.Manifest.Meta.Runner.Language == "python" {
		mod := strings.ReplaceAll(ep, ".", "/")
		_, errFile := fs.Stat(v.fsys, mod+".py")
		_, errPkg := fs.Stat(v.fsys, mod+"/__main__.py")
		if errFile != nil && errPkg != nil {
			v.errorf(doc, at(root, "meta", "runner", "entrypoint"), "entrypoint-missing", fmt.Sprintf("create %s.py, or point entrypoint at the module that starts the plugin", mod),
				"entrypoint %q does not resolve to a module: neither %s.py nor %s/__main__.py is in the plugin", ep, mod, mod)
		}
	}
	has := func(name string) bool { _, err := fs.Stat(v.fsys, name); return err == nil }
	if _, err := depfile.Choose(has, depfile.Settings{}); err != nil {
		v.errorf(doc, root, "dependency-file", "add a requirements.txt listing dify_plugin", "the plugin has neither requirements.txt nor pyproject.toml; the Dify runtime cannot install it")
	}
}
