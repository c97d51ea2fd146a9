package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dify-cli/dify/invoke"
	"github.com/dify-cli/dify/playground"
	"github.com/dify-cli/dify/scaffold"
)

// The plugins `dify plugin init` makes, run against the real Python SDK:
// DIFY_REALSDK_PYTHON names the interpreter of a venv that has dify_plugin
// (../shared/realsdk/setup.sh makes one with no network; .ci/run does).
// Each category is created, invoked with --python naming that venv (which
// is used as it is: nothing is installed), and its generated tests run
// through the SDK's PluginRunner, which drives `dify plugin run`. No PIP_*
// or PYTHONPATH setting is passed.

// realSDK returns the kit's interpreter, or skips.
func realSDK(t testing.TB) string {
	py := os.Getenv("DIFY_REALSDK_PYTHON")
	if py == "" {
		t.Skip("DIFY_REALSDK_PYTHON is not set: make the real SDK's venv with ../shared/realsdk/setup.sh DEST and set it to the interpreter it prints")
	}
	if _, err := os.Stat(py); err != nil {
		t.Fatalf("DIFY_REALSDK_PYTHON: %v", err)
	}
	return py
}

// cleanEnv is the environment without the settings the kit's run.env would
// add: the venv must work as it is.
// initDemo makes the plugin "demo" of a category in work, as a developer
// would with dify plugin init --quick, and returns its folder.
func initDemo(t testing.TB, bin, work string, env []string, category string, flags ...string) string {
	t.Helper()
	init := exec.Command(bin, append([]string{"plugin", "init", "--quick", "--name", "demo", "--author", "acme", "--description", "A demo", "--category", category}, flags...)...)
	init.Dir, init.Env = work, env
	if out, err := init.CombinedOutput(); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	return filepath.Join(work, "demo")
}

func cleanEnv(extra ...string) []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "PIP_") || k == "PYTHONPATH" || k == "PYTHON_INTERPRETER_PATH" || k == "UV_PATH" {
			continue
		}
		out = append(out, kv)
	}
	return append(out, extra...)
}

// invocations call each category's generated plugin once.
var invocations = map[string][]string{
	"tool":           {"tool", "demo", "-p", "query=hello"},
	"llm":            {"llm", "demo-chat", "-c", "api_key=test", "--prompt", "hello"},
	"text-embedding": {"text-embedding", "demo-embedding", "-c", "api_key=test", "--text", "hello"},
	"rerank":         {"rerank", "demo-rerank", "-c", "api_key=test", "--query", "cat", "--doc", "a cat", "--doc", "a dog"},
	"tts":            {"tts", "demo-tts", "-c", "api_key=test", "--text", "hello"},
	"speech2text":    {"speech2text", "demo-speech2text", "-c", "api_key=test", "--file", "audio.wav"},
	"moderation":     {"moderation", "demo-moderation", "-c", "api_key=test", "--text", "hello"},
	// The strategy takes the examples the playground and invoke's errors
	// offer: the SDK reads them as a model config and tool entities.
	"agent-strategy": {"agent-strategy", "demo", "-p", "model:=" + invoke.Example("model-selector", "tool-call&llm"),
		"-p", "tools:=" + invoke.Example("array[tools]", ""), "-p", "query=hello"},
	"extension":  {"endpoint", "GET", "/demo"},
	"datasource": {"datasource", "demo", "-p", "url=PAGE"}, // a page served here: no network
	"trigger":    {"trigger", "demo_event", "-d", `{"hello": "world"}`},
}

// answers are what some invocations must print.
var answers = map[string][]string{
	"trigger": {"events fired: demo_event", "response to the webhook's sender: 200 OK", `"hello": "world"`},
}

func TestGeneratedPluginsWithTheRealSDK(t *testing.T) {
	py := realSDK(t)
	bin := buildDify(t)
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<html><title>Demo page</title><body>hello</body></html>")
	}))
	t.Cleanup(page.Close) // after the parallel subtests, not when this function returns
	for category, call := range invocations {
		t.Run(category, func(t *testing.T) {
			t.Parallel()
			work := t.TempDir()
			env := cleanEnv("DIFY_CACHE_DIR=" + filepath.Join(work, "cache"))
			dir := initDemo(t, bin, work, env, category)
			if call != nil {
				if category == "speech2text" {
					os.WriteFile(filepath.Join(dir, "audio.wav"), []byte("RIFF....WAVEfmt "), 0o644)
				}
				call = append([]string(nil), call...)
				for i := range call {
					call[i] = strings.ReplaceAll(call[i], "PAGE", page.URL)
				}
				if strings.HasPrefix(call[1], "demo-") { // a model: the one the template declares
					call[1] = strings.Fields(scaffold.TryCommand(scaffold.Options{Name: "demo", Category: category}))[4]
				}
				args := append([]string{"plugin", "invoke"}, call[0])
				args = append(args, "--python", py, "--no-install")
				args = append(args, call[1:]...)
				cmd := exec.Command(bin, args...)
				cmd.Dir, cmd.Env = dir, env
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("invoke: %v\n%s", err, out)
				}
				for _, want := range answers[category] {
					if !strings.Contains(string(out), want) {
						t.Errorf("invoke printed no %q:\n%s", want, out)
					}
				}
				if strings.Contains(string(out), "lacks") {
					t.Errorf("the kit's venv lacks something the plugin asks for:\n%s", out)
				}
			}
			// The generated tests, through PluginRunner and `dify plugin run`.
			test := exec.Command(py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests")
			test.Dir = dir
			test.Env = cleanEnv("DIFY_CLI_PATH="+bin, "PYTHON_INTERPRETER_PATH="+py, "DIFY_CACHE_DIR="+filepath.Join(work, "cache"))
			if out, err := test.CombinedOutput(); err != nil {
				t.Fatalf("the generated tests: %v\n%s", err, out)
			} else if !strings.Contains(string(out), "passed") || strings.Contains(string(out), "skipped") {
				t.Fatalf("the generated tests did not all run and pass:\n%s", out)
			}
		})
	}
}

// A run the playground keeps is a test the real SDK's PluginRunner passes.
func TestPlaygroundTestCaseWithTheRealSDK(t *testing.T) {
	py := realSDK(t)
	bin := buildDify(t)
	work := t.TempDir()
	env := cleanEnv("DIFY_CACHE_DIR=" + filepath.Join(work, "cache"))
	dir := initDemo(t, bin, work, env, "tool")
	c := playground.TestCase{Provider: "demo", Tool: "demo", Params: map[string]any{"query": "hello"}, Texts: []string{"demo received: hello"}}
	path, err := c.Save(dir)
	if err != nil {
		t.Fatal(err)
	}
	test := exec.Command(py, "-m", "pytest", "-q", "-p", "no:cacheprovider", path)
	test.Dir = dir
	test.Env = cleanEnv("DIFY_CLI_PATH="+bin, "PYTHON_INTERPRETER_PATH="+py, "DIFY_CACHE_DIR="+filepath.Join(work, "cache"))
	if out, err := test.CombinedOutput(); err != nil || !strings.Contains(string(out), "1 passed") {
		t.Fatalf("the kept test: %v\n%s", err, out)
	}
	// And one that expects another answer fails: the test checks something.
	c.Texts = []string{"something else"}
	path, _ = c.Save(dir)
	test = exec.Command(py, "-m", "pytest", "-q", "-p", "no:cacheprovider", path)
	test.Dir = dir
	test.Env = cleanEnv("DIFY_CLI_PATH="+bin, "PYTHON_INTERPRETER_PATH="+py, "DIFY_CACHE_DIR="+filepath.Join(work, "cache"))
	if out, err := test.CombinedOutput(); err == nil {
		t.Fatalf("a kept test that expects another answer passed:\n%s", out)
	}
}

// The playground with the real SDK: a dynamic-select parameter's options
// come from the tool's own _fetch_parameter_options, a file chosen on the
// page is downloaded by the SDK's File.blob, and the tool's call into Dify
// gets the reply written for it.
func TestPlaygroundWithTheRealSDK(t *testing.T) {
	py := realSDK(t)
	bin := buildDify(t)
	work := t.TempDir()
	env := cleanEnv("DIFY_CACHE_DIR=" + filepath.Join(work, "cache"))
	dir := initDemo(t, bin, work, env, "tool", "--allow-llm")
	yaml := filepath.Join(dir, "tools", "demo.yaml")
	data, _ := os.ReadFile(yaml)
	os.WriteFile(yaml, []byte(strings.Replace(string(data), "extra:\n", `  - name: channel
    type: dynamic-select
    required: false
    form: form
    label:
      en_US: Channel
    human_description:
      en_US: Where to post
  - name: doc
    type: file
    required: false
    form: llm
    label:
      en_US: Document
    human_description:
      en_US: A file to read
    llm_description: A file to read
extra:
`, 1)), 0o644)
	os.WriteFile(filepath.Join(dir, "tools", "demo.py"), []byte(`from collections.abc import Generator
from typing import Any

from dify_plugin import Tool
from dify_plugin.entities import I18nObject, ParameterOption
from dify_plugin.entities.model.llm import LLMModelConfig
from dify_plugin.entities.model.message import UserPromptMessage
from dify_plugin.entities.tool import ToolInvokeMessage


class DemoTool(Tool):
    def _invoke(self, tool_parameters: dict[str, Any]) -> Generator[ToolInvokeMessage, None, None]:
        doc = tool_parameters.get("doc")
        if doc is not None:
            yield self.create_text_message(f"{doc.filename}: {len(doc.blob)} bytes: {doc.blob.decode()}")
            return
        answer = self.session.model.llm.invoke(
            model_config=LLMModelConfig(provider="openai", model="gpt-4o", mode="chat", completion_params={}),
            prompt_messages=[UserPromptMessage(content=str(tool_parameters.get("query", "")))],
            stream=False,
        )
        yield self.create_text_message(f"the model said: {answer.message.content}")

    def _fetch_parameter_options(self, parameter: str) -> list[ParameterOption]:
        return [ParameterOption(value=f"{parameter}-{n}", label=I18nObject(en_US=f"Room {n}", zh_Hans=f"房间 {n}")) for n in (1, 2)]
`), 0o644)

	_, base, token, stderr := startPlayground(t, bin, env, dir, "--python", py, "--no-install")
	post := func(path, body string, header ...string) string {
		t.Helper()
		return playgroundPost(t, base, token, path, body, header...)
	}
	if got := post("api/options", `{"provider":"demo","tool":"demo","parameter":"channel","lang":"zh_Hans"}`); got != `{"options":[{"value":"channel-1","label":"房间 1"},{"value":"channel-2","label":"房间 2"}]}`+"\n" {
		t.Errorf("the options: %s\nstderr:\n%s", got, stderr.String())
	}
	file := post("api/files", "minutes of the meeting", "X-Filename", "minutes.txt", "Content-Type", "text/plain")
	if got := post("api/tool", `{"provider":"demo","tool":"demo","params":{"query":"q","doc":`+file+`}}`); !strings.Contains(got, `"text":"minutes.txt: 22 bytes: minutes of the meeting"`) {
		t.Errorf("the tool reading a chosen file (%s): %s\nstderr:\n%s", file, got, stderr.String())
	}
	post("api/replies", `{"type":"llm","reply":"forty two"}`)
	if got := post("api/tool", `{"provider":"demo","tool":"demo","params":{"query":"six times seven?"}}`); !strings.Contains(got, `"text":"the model said: forty two"`) || !strings.Contains(got, `"written":true`) {
		t.Errorf("the tool's call into Dify: %s\nstderr:\n%s", got, stderr.String())
	}
}
