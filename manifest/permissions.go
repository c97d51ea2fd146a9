package manifest

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"

	"github.com/dify-cli/dify/internal/bytesize"
	"github.com/dify-cli/dify/internal/capped"
	"github.com/dify-cli/dify/internal/lazyregexp"
)

// A use of the host from plugin code that needs a permission at run time.
type permissionUse struct {
	pattern func() *regexp.Regexp
	perm    string // "tool", "model.llm", ...
}

// The daemon refuses these backwards invocations without the permission
// (manifest spec 3.2): `permission denied, you need to enable … access`.
var permissionUses = []permissionUse{
	{lazyregexp.New(`\bsession\.model\.(llm|summary)\b`), "model.llm"},
	{lazyregexp.New(`\bsession\.model\.text_embedding\b`), "model.text_embedding"},
	{lazyregexp.New(`\bsession\.model\.rerank\b`), "model.rerank"},
	{lazyregexp.New(`\bsession\.model\.tts\b`), "model.tts"},
	{lazyregexp.New(`\bsession\.model\.speech2text\b`), "model.speech2text"},
	{lazyregexp.New(`\bsession\.model\.moderation\b`), "model.moderation"},
	{lazyregexp.New(`\bsession\.tool\b`), "tool"},
	{lazyregexp.New(`\bsession\.app\b`), "app"},
	{lazyregexp.New(`\bsession\.workflow_node\b`), "node"},
	{lazyregexp.New(`\bsession\.storage\b`), "storage"},
}

// maxSource bounds a Python file read for the permission check.
const maxSource = 4 << 20

// granted lists the permissions the manifest enables, as "tool", "model.llm", ...
func granted(m *Manifest) map[string]bool {
	g := map[string]bool{}
	p := m.Resource.Permission
	if p == nil {
		return g
	}
	g["tool"] = p.Tool != nil && p.Tool.Enabled
	g["node"] = p.Node != nil && p.Node.Enabled
	g["endpoint"] = p.Endpoint != nil && p.Endpoint.Enabled
	g["app"] = p.App != nil && p.App.Enabled
	g["storage"] = p.Storage != nil && p.Storage.Enabled
	if p.Model != nil && p.Model.Enabled {
		g["model.llm"] = p.Model.LLM
		g["model.text_embedding"] = p.Model.TextEmbedding
		g["model.rerank"] = p.Model.Rerank
		g["model.tts"] = p.Model.TTS
		g["model.speech2text"] = p.Model.Speech2Text
		g["model.moderation"] = p.Model.Moderation
	}
	return g
}

// PermissionYAML says how to grant perm in manifest.yaml.
func PermissionYAML(perm string) string {
	switch {
	case strings.HasPrefix(perm, "model."):
		return fmt.Sprintf("resource.permission.model: {enabled: true, %s: true}", strings.TrimPrefix(perm, "model."))
	case perm == "storage":
		return "resource.permission.storage: {enabled: true, size: 1048576}"
	}
	return fmt.Sprintf("resource.permission.%s: {enabled: true}", perm)
}

// CheckPermissions compares what the plugin's Python code asks of Dify with
// the permissions its manifest requests: a missing one is an error (the call
// fails at run time), an unused one a warning.
func CheckPermissions(p *Plugin, fsys fs.FS) Diagnostics {
	var ds Diagnostics
	have := granted(&p.Manifest)
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
			for _, u := range permissionUses {
				loc := u.pattern().FindStringIndex(code)
				if loc == nil {
					continue
				}
				used[u.perm] = true
				if !have[u.perm] {
					ds = append(ds, Diagnostic{Pos: Position{File: name, Line: i + 1, Col: loc[0] + 1}, Severity: Error, Rule: "permission-missing",
						Message: fmt.Sprintf("%s needs the %s permission, which manifest.yaml does not grant; the call will be refused at run time", code[loc[0]:loc[1]], u.perm),
						Hint:    "add " + PermissionYAML(u.perm)})
				}
			}
		}
		return nil
	})
	root := p.Doc.Root
	if len(p.Manifest.Plugins.Endpoints) > 0 {
		used["endpoint"] = true
		if !have["endpoint"] {
			ds = append(ds, Diagnostic{Pos: p.Doc.Pos(at(root, "plugins", "endpoints")), Severity: Error, Rule: "permission-missing",
				Message: "the plugin declares endpoints but not the endpoint permission; Dify refuses to set them up",
				Hint:    "add " + PermissionYAML("endpoint")})
		}
	}
	var unused []string
	for perm, on := range have {
		if on && !used[perm] {
			unused = append(unused, perm)
		}
	}
	sort.Strings(unused)
	for _, perm := range unused {
		node := at(root, append([]string{"resource", "permission"}, strings.Split(perm, ".")...)...)
		ds = append(ds, Diagnostic{Pos: p.Doc.Pos(node), Severity: Warning, Rule: "permission-unused",
			Message: fmt.Sprintf("the %s permission is requested but no code uses it", perm),
			Hint:    "remove it unless the plugin needs it; users see every permission a plugin asks for"})
	}
	return ds
}
