package scaffold

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"text/template"
	"time"

	"github.com/Masterminds/sprig/v3"

	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/templates"
	"gopkg.in/yaml.v3"
)

// File is one file of a new project.
type File struct {
	Path string // slash path relative to the project directory
	Data []byte
}

// SDKRequirement is the dependency on the Dify Python SDK that generated
// plugins declare, in requirements.txt and pyproject.toml alike.
const SDKRequirement = "dify_plugin>=0.10.0,<0.11.0"

// templateDirs lists, per category, the template directories whose files
// make up the project, in order (later ones may override earlier files).
func templateDirs(c Category) []string {
	dirs := []string{"python/common"}
	switch {
	case c.ModelType != "":
		dirs = append(dirs, "python/model", "python/model-"+c.ModelType)
	default:
		dirs = append(dirs, "python/"+c.Name)
	}
	return dirs
}

// iconKind names the icon pair of a category.
func iconKind(c Category) string {
	switch {
	case c.ModelType != "":
		return "model"
	case c.Name == "agent-strategy":
		return "agent"
	}
	return c.Name
}

// Data is what templates see.
type Data struct {
	Options
	Class          string // the name in CamelCase, for Python classes
	ModelType      string // "text-embedding" for model categories
	ModelKey       string // "text_embedding": the key in a model provider's models block
	ModelEnum      string // "TEXT_EMBEDDING": the SDK's ModelType member
	ModelID        string // the predefined model the template ships
	CreatedAt      string // RFC 3339, UTC
	SDKRequirement string
	ManifestKind   string // the plugins key: tools, models, endpoints, ...
	ProviderFile   string // path of the provider (or endpoint group) file
	Try            string // a command that calls the new plugin on this machine
}

// Plan returns the files of the project described by o, which must be valid.
func Plan(o Options) ([]File, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	c, _ := findCategory(o.Category)
	created := o.CreatedAt
	if created.IsZero() {
		created = time.Now()
	}
	d := Data{
		Options:        o,
		Class:          className(o.Name),
		ModelType:      c.ModelType,
		ModelKey:       manifest.ModelTypeKey(c.ModelType),
		ModelEnum:      strings.ToUpper(strings.ReplaceAll(c.ModelType, "-", "_")),
		ModelID:        modelIDs[c.ModelType],
		CreatedAt:      created.UTC().Format(time.RFC3339),
		SDKRequirement: SDKRequirement,
	}
	d.ManifestKind, d.ProviderFile = providerOf(c, o.Name)
	d.Try = TryCommand(o)

	funcs := funcMap()
	files := map[string][]byte{}
	for _, dir := range templateDirs(c) {
		err := fs.WalkDir(templates.FS, dir, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			rel := strings.TrimPrefix(p, dir+"/")
			if lang, ok := readmeLanguage(rel); ok && !slices.Contains(o.Readmes, lang) {
				return nil
			}
			data, err := fs.ReadFile(templates.FS, p)
			if err != nil {
				return err
			}
			if strings.HasSuffix(rel, ".tmpl") {
				rel = strings.TrimSuffix(rel, ".tmpl")
				if data, err = render(p, data, d, funcs); err != nil {
					return err
				}
			}
			files[strings.ReplaceAll(rel, "NAME", o.Name)] = data
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, variant := range []string{"light", "dark"} {
		data, err := fs.ReadFile(templates.FS, fmt.Sprintf("icons/%s-%s.svg", iconKind(c), variant))
		if err != nil {
			return nil, err
		}
		name := "_assets/icon.svg"
		if variant == "dark" {
			name = "_assets/icon-dark.svg"
		}
		files[name] = data
	}

	if o.CI != "" {
		wf, err := Workflow(o.CI)
		if err != nil {
			return nil, err
		}
		files[wf.Path] = wf.Data
	}

	plan := make([]File, 0, len(files))
	for p, data := range files {
		plan = append(plan, File{Path: p, Data: data})
	}
	sort.Slice(plan, func(i, j int) bool { return plan[i].Path < plan[j].Path })
	return plan, nil
}

// modelIDs are the stand-in models each model category ships (templates/python/model-*).
var modelIDs = map[string]string{
	"llm": "echo-chat", "text-embedding": "hash-embedding", "rerank": "overlap-rerank",
	"tts": "silent-tts", "speech2text": "size-stt", "moderation": "keyword-moderation",
}

// TryCommand is a `dify plugin invoke` (or run) command that calls what a
// new project of o's category ships, for GUIDE.md and init's next steps.
func TryCommand(o Options) string {
	c, _ := findCategory(o.Category)
	if c.ModelType != "" {
		cmd := "dify plugin invoke " + c.ModelType + " " + modelIDs[c.ModelType] + " -c api_key=test "
		switch c.ModelType {
		case "llm":
			return cmd + "--prompt hello"
		case "rerank":
			return cmd + `--query cat --doc "a cat" --doc "a dog"`
		case "speech2text":
			return cmd + "--file audio.wav"
		}
		return cmd + "--text hello"
	}
	switch c.Name {
	case "tool":
		return "dify plugin invoke tool " + o.Name + " -p query=hello"
	case "agent-strategy":
		return "dify plugin invoke agent-strategy " + o.Name +
			` -p 'model:={"provider":"langgenius/openai/openai","model":"gpt-4o","model_type":"llm","mode":"chat"}' -p query=hello`
	case "extension":
		return "dify plugin invoke endpoint GET /" + o.Name
	case "datasource":
		return "dify plugin invoke datasource " + o.Name + " -p url=https://example.com"
	case "trigger":
		return "dify plugin invoke trigger " + o.Name + `_event -d '{"hello": "world"}'`
	}
	return "dify plugin run . -l"
}

func providerOf(c Category, name string) (kind, file string) {
	switch {
	case c.ModelType != "":
		return "models", "provider/" + name + ".yaml"
	case c.Name == "tool":
		return "tools", "provider/" + name + ".yaml"
	case c.Name == "extension":
		return "endpoints", "group/" + name + ".yaml"
	case c.Name == "agent-strategy":
		return "agent_strategies", "provider/" + name + ".yaml"
	case c.Name == "trigger":
		return "triggers", "provider/" + name + ".yaml"
	}
	return "datasources", "provider/" + name + ".yaml"
}

// readmeLanguage recognises readme/README_<lang>.md templates.
func readmeLanguage(rel string) (string, bool) {
	base := path.Base(rel)
	if path.Dir(rel) != "readme" || !strings.HasPrefix(base, "README_") {
		return "", false
	}
	return strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(base, "README_"), ".tmpl"), ".md"), true
}

func render(name string, text []byte, d Data, funcs template.FuncMap) ([]byte, error) {
	t, err := template.New(name).Funcs(funcs).Option("missingkey=error").Parse(string(text))
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, d); err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// funcMap is text/template's functions plus sprig's, without the ones that
// read the environment, plus quoting for the languages we generate.
func funcMap() template.FuncMap {
	m := sprig.TxtFuncMap()
	delete(m, "env")
	delete(m, "expandenv")
	m["yaml"] = yamlString
	m["py"] = pythonString
	m["toml"] = pythonString // a JSON string is also a valid TOML basic string
	return m
}

// yamlString renders s as a YAML scalar that reads back as exactly s.
func yamlString(s string) (string, error) {
	out, err := yaml.Marshal(s)
	if err != nil {
		return "", err
	}
	text := strings.TrimSuffix(string(out), "\n")
	if strings.Contains(text, "\n") {
		// Multi-line text: a double-quoted scalar keeps it on one line.
		j, err := jsonString(s)
		return j, err
	}
	return text, nil
}

// pythonString renders s as a Python (and TOML) string literal.
func pythonString(s string) (string, error) { return jsonString(s) }

func jsonString(s string) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// className turns a plugin name into a Python class name prefix:
// "my-weather_tool" → "MyWeatherTool"; names starting with a digit get "Plugin".
func className(name string) string {
	var b strings.Builder
	upper := true
	for _, r := range name {
		if r == '-' || r == '_' {
			upper = true
			continue
		}
		if upper && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		upper = false
		b.WriteRune(r)
	}
	s := b.String()
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		s = "Plugin" + s
	}
	return s
}
