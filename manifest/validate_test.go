package manifest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"gopkg.in/yaml.v3"
)

// validPlugin is a minimal tool plugin that passes every rule.
func validPlugin() map[string]string {
	return map[string]string{
		"manifest.yaml": `version: 0.0.1
type: plugin
author: acme
name: demo
icon: icon.svg
icon_dark: icon-dark.svg
label:
  en_US: Demo
description:
  en_US: Demo plugin
created_at: "2024-01-01T00:00:00Z"
resource:
  memory: 268435456
plugins:
  tools:
    - provider/demo.yaml
meta:
  version: 0.0.1
  arch:
    - amd64
  runner:
    language: python
    version: "3.12"
    entrypoint: main
  minimum_dify_version: 1.0.0
tags:
  - utilities
`,
		"provider/demo.yaml": `identity:
  author: acme
  name: demo
  label:
    en_US: Demo
  description:
    en_US: Demo tools
  icon: icon.svg
  tags:
    - search
tools:
  - tools/hello.yaml
extra:
  python:
    source: provider/demo.py
`,
		"provider/demo.py":      "class DemoProvider: pass\n",
		"tools/hello.yaml":      "identity:\n  name: hello\n  label: {en_US: Hello}\ndescription:\n  human: {en_US: Says hello}\n  llm: Says hello\nextra:\n  python:\n    source: tools/hello.py\n",
		"tools/hello.py":        "class Hello: pass\n",
		"main.py":               "print()\n",
		"requirements.txt":      "dify_plugin\n",
		"_assets/icon.svg":      "<svg/>",
		"_assets/icon-dark.svg": "<svg/>",
	}
}

func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for p, s := range files {
		fsys[p] = &fstest.MapFile{Data: []byte(s)}
	}
	return fsys
}

func TestValidPluginHasNoFindings(t *testing.T) {
	if ds := Check(mapFS(validPlugin())); len(ds) != 0 {
		t.Errorf("findings on a valid plugin:\n%v", ds)
	}
}

func TestRules(t *testing.T) {
	type edit func(files map[string]string)
	replace := func(file, old, new string) edit {
		return func(files map[string]string) {
			if !strings.Contains(files[file], old) {
				panic("test edit does not apply: " + old)
			}
			files[file] = strings.Replace(files[file], old, new, 1)
		}
	}
	remove := func(file string) edit { return func(files map[string]string) { delete(files, file) } }
	add := func(file, content string) edit { return func(files map[string]string) { files[file] = content } }

	cases := []struct {
		name string
		edit edit
		want string // the one finding, as Diagnostic.String() without the hint
	}{
		{"version format", replace("manifest.yaml", "version: 0.0.1\ntype", "version: 1.0\ntype"),
			`manifest.yaml:1:10: error: version "1.0" must be three numbers of up to 4 digits, like 0.0.1 or 1.2.3-beta [version]`},
		{"type", replace("manifest.yaml", "type: plugin", "type: tool"), `manifest.yaml:2:7: error: type must be "plugin", not "tool" [type]`},
		{"author upper case", replace("manifest.yaml", "author: acme", "author: Acme"),
			`manifest.yaml:3:9: error: author "Acme" must be 1–64 characters of a-z, 0-9, _ and - [author]`},
		{"author UUID", replace("manifest.yaml", "author: acme", "author: 0123456789abcdef0123456789abcdef"),
			`manifest.yaml:3:9: error: author "0123456789abcdef0123456789abcdef" looks like a UUID, which the daemon refuses [author]`},
		{"name", replace("manifest.yaml", "name: demo\nicon", "name: Demo Plugin\nicon"),
			`manifest.yaml:4:7: error: plugin name "Demo Plugin" must be 1–128 characters of a-z, 0-9, _ and - [name]`},
		{"label en_US missing", replace("manifest.yaml", "label:\n  en_US: Demo", "label:\n  zh_Hans: 演示"),
			`manifest.yaml:8:3: error: label has no en_US text, which is required [i18n]`},
		{"unknown language", replace("manifest.yaml", "  en_US: Demo plugin", "  en_US: Demo plugin\n  zh_CN: 演示"),
			`manifest.yaml:11:3: warning: language "zh_CN" under description is ignored by Dify [i18n-language]`},
		{"icon missing", replace("manifest.yaml", "icon: icon.svg\n", ""), `manifest.yaml:1:1: error: icon is missing [icon-required]`},
		{"icon with _assets prefix", replace("manifest.yaml", "icon: icon.svg", "icon: _assets/icon.svg"),
			`manifest.yaml:5:7: error: plugin icon "_assets/icon.svg" not found: there is no _assets/_assets/icon.svg [icon-missing]`},
		{"dark icon file missing", remove("_assets/icon-dark.svg"),
			`manifest.yaml:6:12: error: plugin dark icon "icon-dark.svg" not found: there is no _assets/icon-dark.svg [icon-missing]`},
		{"memory", replace("manifest.yaml", "memory: 268435456", "memory: 0"), `manifest.yaml:13:11: error: resource.memory is required and must not be 0 [memory]`},
		{"storage size", replace("manifest.yaml", "  memory: 268435456\n", "  memory: 268435456\n  permission:\n    storage:\n      enabled: false\n"),
			`manifest.yaml:16:7: error: storage size 0 is out of range: it must be between 1024 and 1073741824 bytes (checked even when storage is disabled) [storage-size]`},
		{"arch", replace("manifest.yaml", "    - amd64", "    - x86_64"), `manifest.yaml:20:7: error: architecture "x86_64" is not supported [arch]`},
		{"runner language", replace("manifest.yaml", "language: python", "language: go"),
			`manifest.yaml:22:15: error: runner language "go" is not supported; only python is [runner-language]`},
		{"meta version", replace("manifest.yaml", "  version: 0.0.1\n  arch", "  version: v1\n  arch"),
			`manifest.yaml:18:12: error: meta.version: version "v1" must be three numbers of up to 4 digits, like 0.0.1 or 1.2.3-beta [meta-version]`},
		{"minimum dify version", replace("manifest.yaml", "minimum_dify_version: 1.0.0", "minimum_dify_version: latest"),
			`manifest.yaml:25:25: warning: minimum_dify_version "latest" is not a version like 1.0.0 [minimum-dify-version]`},
		{"tag", replace("manifest.yaml", "  - utilities", "  - utility"), `manifest.yaml:27:5: error: tag "utility" is not one the daemon accepts [tag]`},
		{"provider tag", replace("provider/demo.yaml", "    - search", "    - Search"), `provider/demo.yaml:10:7: error: tag "Search" is not one of search, image, videos, weather, finance, design, travel, social, news, medical, productivity, education, business, entertainment, utilities, agent, rag, other, trigger; the plugin fails to start (the Python SDK refuses it) [tag]`},
		{"repo URL", replace("manifest.yaml", "tags:", "repo: github.com/acme/demo\ntags:"),
			`manifest.yaml:26:7: error: repo "github.com/acme/demo" is not a URL [repo-url]`},
		{"created_at", replace("manifest.yaml", `created_at: "2024-01-01T00:00:00Z"`, `created_at: "2024-01-01"`),
			`manifest.yaml:11:13: error: created_at "2024-01-01" is not a valid time [created-at]`},
		{"no provider", replace("manifest.yaml", "  tools:\n    - provider/demo.yaml\n", "  tools: []\n"),
			`manifest.yaml:15:3: error: the plugin declares no provider; the daemon refuses it [no-provider]`},
		{"provider combination", func(files map[string]string) {
			replace("manifest.yaml", "    - provider/demo.yaml\n", "    - provider/demo.yaml\n  models:\n    - provider/m.yaml\n")(files)
			files["provider/m.yaml"] = "provider: m\nsupported_model_types: [llm]\nconfigurate_methods: [predefined-model]\nextra:\n  python:\n    provider_source: provider/demo.py\n"
		}, `manifest.yaml:18:5: error: models cannot be combined with tools in one plugin [provider-combination]`},
		{"two providers of a kind", func(files map[string]string) {
			replace("manifest.yaml", "    - provider/demo.yaml\n", "    - provider/demo.yaml\n    - provider/demo.yaml\n")(files)
		}, `manifest.yaml:16:5: warning: plugins.tools lists 2 files; the daemon keeps only the last [provider-multiple]`},
		{"unclean path", replace("manifest.yaml", "- provider/demo.yaml", "- ./provider/demo.yaml"),
			`manifest.yaml:16:7: error: path "./provider/demo.yaml" is not a clean relative path; the daemon cannot open it inside a package [path]`},
		{"provider file missing", remove("provider/demo.yaml"), `manifest.yaml:16:7: error: provider/demo.yaml does not exist [file-missing]`},
		{"tool file missing", remove("tools/hello.yaml"), `provider/demo.yaml:12:5: error: tools/hello.yaml does not exist [file-missing]`},
		{"python source missing", remove("tools/hello.py"), `tools/hello.yaml:9:13: error: Python source tools/hello.py does not exist [python-source]`},
		{"python source undeclared", replace("tools/hello.yaml", "extra:\n  python:\n    source: tools/hello.py\n", ""),
			`tools/hello.yaml:1:1: error: declaration tools/hello.yaml has no extra.python.source; the SDK cannot load it [python-source]`},
		{"entrypoint", remove("main.py"), `manifest.yaml:24:17: error: entrypoint "main" does not resolve to a module: neither main.py nor main/__main__.py is in the plugin [entrypoint-missing]`},
		{"dependency file", remove("requirements.txt"), `manifest.yaml:1:1: error: the plugin has neither requirements.txt nor pyproject.toml; the Dify runtime cannot install it [dependency-file]`},
		{"unknown key", replace("manifest.yaml", "  memory: 268435456", "  memory: 268435456\n  notes: {}"),
			`manifest.yaml:14:3: warning: resource.notes is ignored by Dify [unknown-key]`},
		{"key typo", replace("manifest.yaml", "  memory: 268435456", "  memory: 268435456\n  permision: {}"),
			`manifest.yaml:14:3: error: resource.permision is not a key Dify reads; it looks like a typo of resource.permission, which this mapping lacks (the rest of the file was checked as if it were spelled permission) [key-typo]`},
		{"duplicate key", replace("manifest.yaml", "type: plugin", "type: plugin\ntype: plugin"),
			`manifest.yaml:3: error: mapping key "type" already defined at line 2 [duplicate-key]`},
		{"type error", replace("manifest.yaml", "memory: 268435456", "memory: 256MB"),
			`manifest.yaml:13: error: resource.memory is a whole number, not "256MB" [yaml]`},
		{"tool parameter type", add("tools/hello.yaml", "identity:\n  name: hello\n  label: {en_US: Hello}\ndescription:\n  human: {en_US: x}\n  llm: x\nparameters:\n  - name: q\n    label: {en_US: Q}\n    human_description: {en_US: Q}\n    type: text-input\n    form: llm\nextra:\n  python:\n    source: tools/hello.py\n"),
			`tools/hello.yaml:11:11: error: parameter q type "text-input" is not one of string, number, boolean, select, secret-input, file, files, app-selector, model-selector, any, dynamic-select, array, object, checkbox, date, date-range; the plugin fails to start (the Python SDK refuses it) [parameter-type]`},
		{"tool parameter form", add("tools/hello.yaml", "identity:\n  name: hello\n  label: {en_US: Hello}\ndescription:\n  human: {en_US: x}\n  llm: x\nparameters:\n  - name: q\n    label: {en_US: Q}\n    human_description: {en_US: Q}\n    type: string\n    form: setting\nextra:\n  python:\n    source: tools/hello.py\n"),
			`tools/hello.yaml:12:11: error: parameter q form "setting" is not one of schema, form, llm; the plugin fails to start (the Python SDK refuses it) [parameter-form]`},
		{"tool description", replace("tools/hello.yaml", "  llm: Says hello\n", ""),
			`tools/hello.yaml:5:3: error: tool has no description.llm; the plugin fails to start (the Python SDK refuses it) [tool-description]`},
		{"tool identity name", replace("tools/hello.yaml", "name: hello", "name: hello world"),
			`tools/hello.yaml:2:9: warning: tool name "hello world" may only contain letters, digits, _ and -; Dify refuses it only when the plugin connects for remote debugging [identity-name]`},
		{"credential type", replace("provider/demo.yaml", "tools:\n", "credentials_for_provider:\n  api_key:\n    type: password\n    label: {en_US: API key}\ntools:\n"),
			`provider/demo.yaml:13:11: error: form field type "password" is not one of secret-input, text-input, select, boolean, app-selector, model-selector, array[tools]; the plugin fails to start (the Python SDK refuses it) [credential-type]`},
		{"provider file unknown key", replace("tools/hello.yaml", "  llm: Says hello\n", "  llm: Says hello\nnotes: []\n"),
			`tools/hello.yaml:7:1: warning: notes is ignored by Dify [unknown-key]`},
		{"provider file typo", replace("tools/hello.yaml", "  llm: Says hello\n", "  llm: Says hello\nparamters: []\n"),
			`tools/hello.yaml:7:1: error: paramters is not a key Dify reads; it looks like a typo of parameters, which this mapping lacks (the rest of the file was checked as if it were spelled parameters) [key-typo]`},
		{"provider file nested unknown key", replace("provider/demo.yaml", "  icon: icon.svg\n", "  icon: icon.svg\n  colour: blue\n"),
			`provider/demo.yaml:9:3: warning: identity.colour is ignored by Dify [unknown-key]`},
		{"provider identity typo", replace("provider/demo.yaml", "identity:", "identiy:"),
			`provider/demo.yaml:1:1: error: identiy is not a key Dify reads; it looks like a typo of identity, which this mapping lacks (the rest of the file was checked as if it were spelled identity) [key-typo]`},
		{"provider file type error", replace("tools/hello.yaml", "  llm: Says hello\n", "  llm: Says hello\nparameters: none\n"),
			`tools/hello.yaml:7: error: parameters is a list, not "none" [yaml]`},
		{"scope", add("tools/hello.yaml", "identity:\n  name: hello\n  label: {en_US: Hello}\ndescription:\n  human: {en_US: x}\n  llm: x\nparameters:\n  - name: m\n    label: {en_US: M}\n    human_description: {en_US: M}\n    type: model-selector\n    scope: all\n    form: form\nextra:\n  python:\n    source: tools/hello.py\n"),
			`tools/hello.yaml:12:12: warning: scope "all" allows nothing a model-selector accepts; Dify refuses it only when the plugin connects for remote debugging [scope]`},
		{"scope on a string", add("tools/hello.yaml", "identity:\n  name: hello\n  label: {en_US: Hello}\ndescription:\n  human: {en_US: x}\n  llm: x\nparameters:\n  - name: m\n    label: {en_US: M}\n    human_description: {en_US: M}\n    type: string\n    scope: llm\n    form: llm\nextra:\n  python:\n    source: tools/hello.py\n"),
			`tools/hello.yaml:12:12: warning: a string field takes no scope; Dify refuses it only when the plugin connects for remote debugging [scope]`},
		{"form field label", replace("provider/demo.yaml", "tools:\n", "credentials_for_provider:\n  api_key:\n    type: secret-input\ntools:\n"),
			`provider/demo.yaml:13:5: error: form field "api_key" has no label.en_US; the plugin fails to start (the Python SDK refuses it) [form-label]`},
		{"permission missing", add("tools/hello.py", "class Hello:\n    def run(self):\n        return self.session.model.llm.invoke()\n"),
			`tools/hello.py:3:21: warning: session.model.llm needs the model.llm permission, which manifest.yaml does not grant; the call will be refused at run time [permission-missing]`},
		// Shaped like published plugins that package and install: Dify refuses
		// these only in remote debugging, so they are warnings.
		{"datasource without parameters", datasourcePlugin("identity:\n  author: acme\n  name: crawl\n  label: {en_US: Crawl}\ndescription: {en_US: Crawl}\nextra:\n  python:\n    source: datasources/crawl.py\n"),
			`datasources/crawl.yaml:1:1: warning: datasource has no parameters list; Dify refuses it only when the plugin connects for remote debugging [datasource-parameters]`},
		{"option with an empty value", add("tools/hello.yaml", "identity:\n  name: hello\n  label: {en_US: Hello}\ndescription:\n  human: {en_US: x}\n  llm: x\nparameters:\n  - name: q\n    label: {en_US: Q}\n    human_description: {en_US: Q}\n    type: select\n    form: form\n    options:\n      - value: \"\"\n        label: {en_US: Any}\n      - value: a\n        label: {en_US: A}\nextra:\n  python:\n    source: tools/hello.py\n"),
			`tools/hello.yaml:14:16: warning: an option of parameter q has an empty value; Dify refuses it only when the plugin connects for remote debugging [option-value]`},
		{"repeated key in a mapping Dify ignores", replace("tools/hello.yaml", "    source: tools/hello.py\n", "    source: tools/hello.py\n    source: tools/hello.py\n"),
			``},
		{"repeated key in a mapping Dify reads", replace("tools/hello.yaml", "  llm: Says hello\n", "  llm: Says hello\n  llm: Says hi\n"),
			`tools/hello.yaml:7: error: mapping key "llm" already defined at line 6 [duplicate-key]`},
		{"tool provider tag the SDK refuses", replace("provider/demo.yaml", "    - search", "    - agent"),
			`provider/demo.yaml:10:7: error: tag "agent" is not one of search, image, videos, weather, finance, design, travel, social, news, medical, productivity, education, business, entertainment, utilities, agent, rag, other, trigger; the plugin fails to start (the Python SDK refuses it) [tag]`},
		{"provider description the SDK requires", replace("provider/demo.yaml", "  description:\n    en_US: Demo tools\n", ""),
			`provider/demo.yaml:2:3: error: identity.description has no en_US text; the plugin fails to start (the Python SDK refuses it) [i18n]`},
		{"permission used through a helper", func(files map[string]string) {
			replace("manifest.yaml", "  memory: 268435456\n", "  memory: 268435456\n  permission:\n    storage:\n      enabled: true\n      size: 1048576\n")(files)
			files["tools/hello.py"] = "def remember(store, key):\n    return store.storage.get(key)\n\nclass Hello:\n    def run(self):\n        return remember(self.session, 'k')\n"
		}, ``},
		{"permission missing through a helper", add("tools/hello.py", "def remember(store, key):\n    return store.storage.get(key)\n\nclass Hello:\n    def run(self):\n        return remember(self.session, 'k')\n"),
			`tools/hello.py:2:12: warning: store.storage (the session, passed to remember) needs the storage permission, which manifest.yaml does not grant; the call will be refused at run time [permission-missing]`},
		{"permission unused", replace("manifest.yaml", "  memory: 268435456\n", "  memory: 268435456\n  permission:\n    app:\n      enabled: true\n"),
			`manifest.yaml:16:7: warning: the app permission is requested but no code uses it [permission-unused]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := validPlugin()
			c.edit(files)
			ds := Check(mapFS(files))
			var got []string
			for _, d := range ds {
				s := d.String()
				if i := strings.Index(s, "\n  hint:"); i >= 0 {
					s = s[:i]
				}
				got = append(got, s)
			}
			if c.want == "" && len(got) == 0 {
				return
			}
			if len(got) != 1 || got[0] != c.want {
				t.Errorf("findings:\n  %s\nwant exactly:\n  %s", strings.Join(got, "\n  "), c.want)
			}
		})
	}
}

// datasourcePlugin turns the valid plugin into a datasource plugin whose one
// datasource file is child.
func datasourcePlugin(child string) func(files map[string]string) {
	return func(files map[string]string) {
		delete(files, "provider/demo.yaml")
		delete(files, "tools/hello.yaml")
		delete(files, "tools/hello.py")
		files["manifest.yaml"] = strings.Replace(files["manifest.yaml"], "  tools:\n    - provider/demo.yaml", "  datasources:\n    - provider/crawl.yaml", 1)
		files["provider/crawl.yaml"] = "identity:\n  author: acme\n  name: crawl\n  label: {en_US: Crawl}\n  description: {en_US: Crawl}\n  icon: icon.svg\nprovider_type: website_crawl\ndatasources:\n  - datasources/crawl.yaml\nextra:\n  python:\n    source: provider/demo.py\n"
		files["datasources/crawl.yaml"] = child
		files["datasources/crawl.py"] = "class Crawl: pass\n"
	}
}

func TestHints(t *testing.T) {
	files := validPlugin()
	files["manifest.yaml"] = strings.NewReplacer("  - utilities", "  - utilties", "icon: icon.svg", "icon: _assets/icon.svg", "author: acme", "author: ACME").Replace(files["manifest.yaml"])
	files["tools/hello.py"] = "x = self.session.storage.get('k')\n"
	var hints []string
	for _, d := range Check(mapFS(files)) {
		hints = append(hints, d.Hint)
	}
	all := strings.Join(hints, "\n")
	for _, want := range []string{`did you mean "utilities"?`, `write "icon.svg"`, "write author: acme", "add resource.permission.storage: {enabled: true, size: 1048576}"} {
		if !strings.Contains(all, want) {
			t.Errorf("no hint %q among:\n%s", want, all)
		}
	}
}

func TestModelRules(t *testing.T) {
	files := validPlugin()
	delete(files, "provider/demo.yaml")
	delete(files, "tools/hello.yaml")
	delete(files, "tools/hello.py")
	files["manifest.yaml"] = strings.Replace(files["manifest.yaml"], "  tools:\n    - provider/demo.yaml", "  models:\n    - provider/m.yaml", 1)
	files["provider/m.yaml"] = `provider: m
supported_model_types: [llm, text2speech]
configurate_methods: [predefined-model]
models:
  llm:
    predefined: ["models/*.yaml"]
  text-embedding:
    predefined: ["embed/*.yaml"]
provider_credential_schema:
  credential_form_schemas:
    - variable: key
      type: password
extra:
  python:
    provider_source: provider/demo.py
`
	files["models/chat.yaml"] = `model: chat
model_properties: {mode: chat}
model_type: text_embedding
parameter_rules:
  - name: temperature
    use_template: temprature
  - name: seed
`
	var got []string
	for _, d := range Check(mapFS(files)) {
		got = append(got, fmt.Sprintf("%s %s %s", d.Pos, d.Severity, d.Rule))
	}
	want := []string{
		"models/chat.yaml:1:1 warning model-label",
		"models/chat.yaml:3:13 error model-type",
		"models/chat.yaml:6:19 error parameter-rule",
		"models/chat.yaml:7:5 error parameter-rule",
		"provider/m.yaml:2:30 error model-type",
		"provider/m.yaml:7:3 warning model-kind-key",
		"provider/m.yaml:12:13 error credential-type",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The SDK needs a model provider's types and configuration methods.
func TestModelProviderLists(t *testing.T) {
	files := validPlugin()
	delete(files, "provider/demo.yaml")
	delete(files, "tools/hello.yaml")
	delete(files, "tools/hello.py")
	files["manifest.yaml"] = strings.Replace(files["manifest.yaml"], "  tools:\n    - provider/demo.yaml", "  models:\n    - provider/m.yaml", 1)
	for _, c := range []struct{ lists, want string }{
		{"", "provider/m.yaml:1:1 error model-types supported_model_types is required; the plugin fails to start (the Python SDK refuses it)|provider/m.yaml:1:1 error configurate-methods configurate_methods is required; the plugin fails to start (the Python SDK refuses it)"},
		{"supported_model_types: []\nconfigurate_methods: [customizable-model]\n", "provider/m.yaml:2:24 error model-types supported_model_types is required; the plugin fails to start (the Python SDK refuses it)"},
		{"supported_model_types: [llm]\nconfigurate_methods: [predefined]\n", `provider/m.yaml:3:23 error configurate-methods configurate method "predefined" is not one of predefined-model, customizable-model; the plugin fails to start (the Python SDK refuses it)`},
	} {
		files["provider/m.yaml"] = "provider: m\n" + c.lists + "extra:\n  python:\n    provider_source: provider/demo.py\n"
		var got []string
		for _, d := range Check(mapFS(files)) {
			if d.Rule == "model-types" || d.Rule == "configurate-methods" {
				got = append(got, fmt.Sprintf("%s %s %s %s", d.Pos, d.Severity, d.Rule, d.Message))
			}
		}
		if strings.Join(got, "|") != c.want {
			t.Errorf("with %q:\n%s\nwant:\n%s", c.lists, strings.Join(got, "\n"), strings.ReplaceAll(c.want, "|", "\n"))
		}
	}
}

// Keys of embedded (inline) parts of a declaration type are known keys.
func TestUnknownKeysSeeInlineFields(t *testing.T) {
	doc := &Document{Path: "events/e.yaml"}
	var root yaml.Node
	if err := yaml.Unmarshal([]byte("identity: {name: e, label: {en_US: E}}\ndescription: {en_US: d}\nparameters: []\noutput_schema: {}\nextra: {python: {source: e.py}}\ndescripton: x\n"), &root); err != nil {
		t.Fatal(err)
	}
	v := &validator{}
	v.unknownKeysOf(doc, root.Content[0], reflect.TypeOf(EventDecl{}), "")
	if len(v.ds) != 1 || v.ds[0].Pos.Line != 6 || v.ds[0].Hint != "did you mean description?" {
		t.Errorf("findings %v; want only descripton, with a hint", v.ds)
	}
}

func TestFatal(t *testing.T) {
	at := func(file, rule string) Diagnostics {
		return Diagnostics{{Pos: Position{File: file}, Severity: Error, Rule: rule}}
	}
	for _, rule := range []string{"yaml", "file-missing", "file-unreadable", "duplicate-key", "file-size", "size"} {
		if !at(FileName, rule).Fatal() {
			t.Errorf("%s in manifest.yaml is not fatal", rule)
		}
	}
	if at("provider/x.yaml", "yaml").Fatal() || at(FileName, "icon-missing").Fatal() {
		t.Error("a finding Dify gets past with --no-validate is fatal")
	}
}
