package benchtree

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// The shape of the official plugins (langgenius/dify-official-plugins):
// most are tool plugins of a few to a dozen tools, a third are model
// providers with one YAML file per model, a few are extensions; each has a
// manifest, provider files, Python next to the YAML, a README, icons, often
// a pyproject.toml with a uv.lock of a few hundred KB, and tests the
// package leaves out. Typically 20–100 files, under 1 MB.

// Typical writes one plugin of the typical shape into dir/typical: a tool
// plugin of ten tools, 53 files, about 0.5 MB.
func Typical(dir string) (string, error) {
	g := &corpus{rng: rand.New(rand.NewPCG(7, 7)), lockPackages: 250}
	return g.tool(filepath.Join(dir, "typical"), "typical", 10, 53)
}

// Corpus writes n plugins under dir in the official plugins' mix and
// returns their directories.
func Corpus(dir string, n int) ([]string, error) {
	g := &corpus{rng: rand.New(rand.NewPCG(3, 5))}
	var dirs []string
	for i := range n {
		name := fmt.Sprintf("plugin_%03d", i)
		path := filepath.Join(dir, name)
		var err error
		switch r := g.rng.IntN(100); {
		case r < 55:
			tools := 1 + g.rng.IntN(12)
			_, err = g.tool(path, name, tools, 0)
		case r < 90:
			_, err = g.model(path, name, 3+g.rng.IntN(35))
		default:
			_, err = g.extension(path, name)
		}
		if err != nil {
			return nil, err
		}
		dirs = append(dirs, path)
	}
	return dirs, nil
}

type corpus struct {
	rng *rand.Rand
	// lockPackages, when set, always writes a uv.lock of that many packages.
	lockPackages int
}

func write(path, content string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o644)
}

func writeBytes(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// common writes what every plugin has: manifest, README, PRIVACY, icons,
// main.py, requirements, ignore files, maybe pyproject and uv.lock, tests.
func (g *corpus) common(dir, name, kind, providerFile string, permissions string) error {
	manifest := fmt.Sprintf(`version: 0.1.%d
type: plugin
author: langgenius
name: %s
label:
  en_US: %s
description:
  en_US: %s
icon: icon.svg
resource:
  memory: 268435456
%splugins:
  %s:
    - %s
meta:
  version: 0.0.1
  arch:
    - amd64
    - arm64
  runner:
    language: python
    version: "3.12"
    entrypoint: main
  minimum_dify_version: 1.0.0
created_at: "2025-01-01T00:00:00Z"
privacy: PRIVACY.md
`, g.rng.IntN(20), name, name, g.sentence(8), permissions, kind, providerFile)
	files := map[string]string{
		"manifest.yaml":    manifest,
		"README.md":        "# " + name + "\n\n" + g.text(2000+g.rng.IntN(8000)),
		"PRIVACY.md":       "# Privacy\n\n" + g.text(300+g.rng.IntN(1500)),
		"main.py":          "from dify_plugin import DifyPluginEnv, Plugin\n\nplugin = Plugin(DifyPluginEnv(MAX_REQUEST_TIMEOUT=120))\n\nif __name__ == \"__main__\":\n    plugin.run()\n",
		"requirements.txt": "dify_plugin>=0.4.0,<0.11.0\nrequests>=2.31\n",
		".difyignore":      "__pycache__/\n*.py[cod]\n.venv/\n.env\ntests/\n.git/\n*.difypkg\n",
		".gitignore":       "__pycache__/\n.venv/\n.env\n*.difypkg\n",
		".env.example":     "INSTALL_METHOD=remote\nREMOTE_INSTALL_URL=debug.dify.ai:5003\nREMOTE_INSTALL_KEY=\n",
		"_assets/icon.svg": g.svg(1500 + g.rng.IntN(15000)),
	}
	if g.lockPackages > 0 || g.rng.IntN(100) < 65 {
		packages := 30 + g.rng.IntN(150)
		if g.lockPackages > 0 {
			packages = g.lockPackages
		}
		files["pyproject.toml"] = fmt.Sprintf("[project]\nname = %q\nversion = \"0.1.0\"\nrequires-python = \">=3.12\"\ndependencies = [\"dify_plugin>=0.4.0,<0.11.0\", \"requests>=2.31\"]\n\n[dependency-groups]\ndev = [\"pytest>=8\"]\n", name)
		files["uv.lock"] = g.lock(packages)
	}
	for i := range g.rng.IntN(5) {
		files[fmt.Sprintf("tests/test_%d.py", i)] = g.python(1000 + g.rng.IntN(5000))
	}
	for path, content := range files {
		if err := write(filepath.Join(dir, path), content); err != nil {
			return err
		}
	}
	if g.rng.IntN(2) == 0 {
		png := make([]byte, 4000+g.rng.IntN(40000))
		for i := range png {
			png[i] = byte(g.rng.UintN(256))
		}
		if err := writeBytes(filepath.Join(dir, "_assets", "logo.png"), png); err != nil {
			return err
		}
	}
	return nil
}

// tool writes a tool plugin with the given number of tools; with files > 0
// it adds Python helpers until the plugin has that many files.
func (g *corpus) tool(dir, name string, tools, files int) (string, error) {
	if err := g.common(dir, name, "tools", "provider/"+name+".yaml", ""); err != nil {
		return "", err
	}
	var list []string
	for i := range tools {
		tool := fmt.Sprintf("%s_%d", name, i)
		list = append(list, "  - tools/"+tool+".yaml")
		yaml := fmt.Sprintf(`identity:
  name: %s
  author: langgenius
  label:
    en_US: %s
description:
  human:
    en_US: %s
  llm: %s
parameters:
%sextra:
  python:
    source: tools/%s.py
`, tool, tool, g.sentence(10), g.sentence(16), g.parameters(1+g.rng.IntN(6)), tool)
		if err := write(filepath.Join(dir, "tools", tool+".yaml"), yaml); err != nil {
			return "", err
		}
		py := "from collections.abc import Generator\nfrom typing import Any\n\nfrom dify_plugin import Tool\nfrom dify_plugin.entities.tool import ToolInvokeMessage\n\n\nclass Tool" +
			fmt.Sprint(i) + "(Tool):\n    def _invoke(self, tool_parameters: dict[str, Any]) -> Generator[ToolInvokeMessage, None, None]:\n        yield self.create_text_message(str(tool_parameters))\n\n" +
			g.python(1500+g.rng.IntN(9000))
		if err := write(filepath.Join(dir, "tools", tool+".py"), py); err != nil {
			return "", err
		}
	}
	provider := fmt.Sprintf(`identity:
  author: langgenius
  name: %s
  label:
    en_US: %s
  description:
    en_US: %s
  icon: icon.svg
credentials_for_provider:
  api_key:
    type: secret-input
    required: true
    label:
      en_US: API key
tools:
%s
extra:
  python:
    source: provider/%s.py
`, name, name, g.sentence(8), strings.Join(list, "\n"), name)
	if err := write(filepath.Join(dir, "provider", name+".yaml"), provider); err != nil {
		return "", err
	}
	providerPy := "from typing import Any\n\nfrom dify_plugin import ToolProvider\n\n\nclass Provider(ToolProvider):\n    def _validate_credentials(self, credentials: dict[str, Any]) -> None:\n        pass\n\n" + g.python(800+g.rng.IntN(3000))
	if err := write(filepath.Join(dir, "provider", name+".py"), providerPy); err != nil {
		return "", err
	}
	for i := 0; files > 0 && count(dir) < files; i++ {
		if err := write(filepath.Join(dir, "utils", fmt.Sprintf("helper_%d.py", i)), g.python(1000+g.rng.IntN(6000))); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// model writes an LLM provider with the given number of model files.
func (g *corpus) model(dir, name string, models int) (string, error) {
	if err := g.common(dir, name, "models", "provider/"+name+".yaml", ""); err != nil {
		return "", err
	}
	provider := fmt.Sprintf(`provider: %s
label:
  en_US: %s
description:
  en_US: %s
icon_small:
  en_US: icon.svg
icon_large:
  en_US: icon.svg
background: "#F2F4F7"
supported_model_types:
  - llm
configurate_methods:
  - predefined-model
provider_credential_schema:
  credential_form_schemas:
    - variable: api_key
      label:
        en_US: API key
      type: secret-input
      required: true
models:
  llm:
    predefined:
      - "models/llm/*.yaml"
extra:
  python:
    provider_source: provider/%s.py
    model_sources:
      - models/llm/llm.py
`, name, name, g.sentence(8), name)
	if err := write(filepath.Join(dir, "provider", name+".yaml"), provider); err != nil {
		return "", err
	}
	if err := write(filepath.Join(dir, "provider", name+".py"), "from dify_plugin import ModelProvider\n\n\nclass Provider(ModelProvider):\n    def validate_provider_credentials(self, credentials: dict) -> None:\n        pass\n\n"+g.python(500+g.rng.IntN(2000))); err != nil {
		return "", err
	}
	if err := write(filepath.Join(dir, "models", "llm", "llm.py"), "from dify_plugin import LargeLanguageModel\n\n\nclass Model(LargeLanguageModel):\n    pass\n\n"+g.python(8000+g.rng.IntN(40000))); err != nil {
		return "", err
	}
	for i := range models {
		yaml := fmt.Sprintf(`model: model-%d
label:
  en_US: Model %d
model_type: llm
features:
  - agent-thought
  - tool-call
model_properties:
  mode: chat
  context_size: %d
parameter_rules:
  - name: temperature
    use_template: temperature
  - name: top_p
    use_template: top_p
  - name: max_tokens
    use_template: max_tokens
    default: 1024
    min: 1
    max: %d
pricing:
  input: "%d.5"
  output: "%d"
  unit: "0.000001"
  currency: USD
`, i, i, 8192<<g.rng.IntN(6), 4096<<g.rng.IntN(4), g.rng.IntN(10), g.rng.IntN(30))
		if err := write(filepath.Join(dir, "models", "llm", fmt.Sprintf("model-%d.yaml", i)), yaml); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// extension writes an endpoint plugin.
func (g *corpus) extension(dir, name string) (string, error) {
	if err := g.common(dir, name, "endpoints", "group/"+name+".yaml", "  permission:\n    endpoint:\n      enabled: true\n"); err != nil {
		return "", err
	}
	var list []string
	for i := range 1 + g.rng.IntN(4) {
		ep := fmt.Sprintf("%s_%d", name, i)
		list = append(list, "  - endpoints/"+ep+".yaml")
		if err := write(filepath.Join(dir, "endpoints", ep+".yaml"), fmt.Sprintf("path: \"/%s\"\nmethod: POST\nextra:\n  python:\n    source: endpoints/%s.py\n", ep, ep)); err != nil {
			return "", err
		}
		py := "from collections.abc import Mapping\n\nfrom werkzeug import Request, Response\n\nfrom dify_plugin import Endpoint\n\n\nclass E(Endpoint):\n    def _invoke(self, r: Request, values: Mapping, settings: Mapping) -> Response:\n        return Response('ok')\n\n" + g.python(1000+g.rng.IntN(5000))
		if err := write(filepath.Join(dir, "endpoints", ep+".py"), py); err != nil {
			return "", err
		}
	}
	group := "settings:\n  - name: secret\n    type: secret-input\n    required: false\n    label:\n      en_US: Secret\nendpoints:\n" + strings.Join(list, "\n") + "\n"
	return dir, write(filepath.Join(dir, "group", name+".yaml"), group)
}

var vocabulary = strings.Fields("the plugin returns a list of results from the service for each query with the given parameters and " +
	"credentials so that workflows agents and chat apps can use it search fetch convert summarize translate image text file")

func (g *corpus) sentence(words int) string {
	var b []string
	for range words {
		b = append(b, vocabulary[g.rng.IntN(len(vocabulary))])
	}
	s := strings.Join(b, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

func (g *corpus) text(size int) string {
	var b strings.Builder
	for b.Len() < size {
		b.WriteString(g.sentence(6 + g.rng.IntN(14)))
		if g.rng.IntN(5) == 0 {
			b.WriteString("\n\n")
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String() + "\n"
}

func (g *corpus) python(size int) string {
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "\ndef helper_%d(value: str, limit: int = %d) -> list[str]:\n    \"\"\"%s\"\"\"\n    items = [part.strip() for part in value.split(\",\") if part]\n    return items[:limit]\n",
			i, g.rng.IntN(100), g.sentence(8))
	}
	return b.String()
}

func (g *corpus) parameters(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "  - name: param_%d\n    type: string\n    required: %v\n    form: llm\n    label:\n      en_US: Parameter %d\n    human_description:\n      en_US: %s\n    llm_description: %s\n",
			i, i == 0, i, g.sentence(6), g.sentence(10))
	}
	return b.String()
}

func (g *corpus) svg(size int) string {
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">`)
	for b.Len() < size {
		fmt.Fprintf(&b, `<path d="M%d %d L%d %d Z" fill="#%06x"/>`, g.rng.IntN(64), g.rng.IntN(64), g.rng.IntN(64), g.rng.IntN(64), g.rng.IntN(1<<24))
	}
	return b.String() + "</svg>\n"
}

// lock is a uv.lock of n packages, as uv writes it, each with wheels.
func (g *corpus) lock(n int) string {
	var b strings.Builder
	b.WriteString("version = 1\nrevision = 2\nrequires-python = \">=3.12\"\n")
	hash := func() string {
		h := make([]byte, 32)
		for i := range h {
			h[i] = byte(g.rng.UintN(256))
		}
		return hex.EncodeToString(h)
	}
	for i := range n {
		fmt.Fprintf(&b, "\n[[package]]\nname = \"pkg-%d\"\nversion = \"%d.%d.%d\"\nsource = { registry = \"https://pypi.org/simple\" }\n", i, g.rng.IntN(5), g.rng.IntN(30), g.rng.IntN(10))
		fmt.Fprintf(&b, "sdist = { url = \"https://files.pythonhosted.org/packages/%s/pkg-%d.tar.gz\", hash = \"sha256:%s\", size = %d }\nwheels = [\n", hash()[:12], i, hash(), g.rng.IntN(500000))
		for range 1 + g.rng.IntN(8) {
			fmt.Fprintf(&b, "    { url = \"https://files.pythonhosted.org/packages/%s/pkg-%d-py3-none-any.whl\", hash = \"sha256:%s\", size = %d },\n", hash()[:12], i, hash(), g.rng.IntN(500000))
		}
		b.WriteString("]\n")
	}
	return b.String()
}

// count is the number of files under dir.
func count(dir string) int {
	n := 0
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}
