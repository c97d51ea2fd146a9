package playground

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/dify-cli/dify/internal/atomicfile"
)

// A run worth keeping becomes a test of the plugin: a pytest file in its
// tests/ folder that sends the same call through the SDK's PluginRunner (as
// the tests dify plugin init writes do) and expects the same text. The
// credentials are read from the environment, never written down.

// TestCase is a run to keep.
type TestCase struct {
	Provider    string         `json:"provider"`
	Tool        string         `json:"tool"`
	Params      map[string]any `json:"params"`
	Credentials []string       `json:"credentials"` // their names; the values come from the environment
	Texts       []string       `json:"texts"`       // the text messages the run answered
}

var notWord = regexp.MustCompile(`[^A-Za-z0-9_]+`)

// pyLiteral writes a JSON value as a Python literal.
func pyLiteral(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case string:
		b, _ := json.Marshal(x) // a JSON string is a Python string literal
		return string(b)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = pyLiteral(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = pyLiteral(k) + ": " + pyLiteral(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v) // numbers
}

// envName is the environment variable a credential is read from.
func envName(provider, name string) string {
	return strings.ToUpper(notWord.ReplaceAllString(provider+"_"+name, "_"))
}

// Source is the test file.
func (c TestCase) Source() []byte {
	var b bytes.Buffer
	fn := "test_" + strings.ToLower(notWord.ReplaceAllString(c.Tool, "_")) + "_as_in_the_playground"
	fmt.Fprintf(&b, `"""A run of %s kept from dify plugin playground: the same call, the same answer.

    pytest tests
"""

import os
from pathlib import Path

from dify_plugin.config.integration_config import IntegrationConfig
from dify_plugin.core.entities.plugin.request import PluginInvokeType, ToolActions, ToolInvokeRequest
from dify_plugin.entities.tool import ToolInvokeMessage
from dify_plugin.integration.run import PluginRunner

PLUGIN_DIR = Path(__file__).resolve().parent.parent


def %s():
`, c.Tool, fn)
	creds := make([]string, 0, len(c.Credentials))
	for _, n := range c.Credentials {
		creds = append(creds, fmt.Sprintf("%s: os.environ.get(%s, \"\")", pyLiteral(n), pyLiteral(envName(c.Provider, n))))
	}
	slices.Sort(creds)
	fmt.Fprintf(&b, `    with PluginRunner(config=IntegrationConfig(), plugin_package_path=str(PLUGIN_DIR)) as runner:
        messages = list(
            runner.invoke(
                PluginInvokeType.Tool,
                ToolActions.InvokeTool,
                payload=ToolInvokeRequest(
                    user_id="test",
                    provider=%s,
                    tool=%s,
                    credentials={%s},
                    tool_parameters=%s,
                ),
                response_type=ToolInvokeMessage,
            )
        )
    texts = [m.message.text for m in messages if m.type == ToolInvokeMessage.MessageType.TEXT]
    assert texts == %s
`, pyLiteral(c.Provider), pyLiteral(c.Tool), strings.Join(creds, ", "), pyLiteral(c.Params), pyLiteral(anySlice(c.Texts)))
	return b.Bytes()
}

func anySlice(s []string) []any {
	out := make([]any, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}

// Save writes the test into dir/tests under a new name (never over a file)
// and returns its path.
func (c TestCase) Save(dir string) (string, error) {
	tests := filepath.Join(dir, "tests")
	if err := os.MkdirAll(tests, 0o755); err != nil {
		return "", err
	}
	base := "test_playground_" + strings.ToLower(notWord.ReplaceAllString(c.Tool, "_"))
	for i := 1; i < 1000; i++ {
		name := base + ".py"
		if i > 1 {
			name = fmt.Sprintf("%s_%d.py", base, i)
		}
		path := filepath.Join(tests, name)
		if _, err := os.Lstat(path); err == nil {
			continue
		}
		err := atomicfile.Write(path, 0o644, func(w io.Writer) error { _, err := w.Write(c.Source()); return err })
		return path, err
	}
	return "", fmt.Errorf("%s holds 999 playground tests of %s already", tests, c.Tool)
}
