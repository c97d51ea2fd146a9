//go:build unix

package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dify plugin playground on the tool double: the page and a call through
// the real plugin process, a call into Dify shown and answered as written,
// then a saved file restarts the plugin and the page is told, and calls
// reach the new process.
func TestPlaygroundRestartsOnChange(t *testing.T) {
	needPython(t)
	bin := buildDify(t)
	dir := double(t)
	page, base, token, stderr := startPlayground(t, bin, append(os.Environ(), "DIFY_CACHE_DIR="+filepath.Join(t.TempDir(), "cache")), dir)
	post := func(path, body string) string {
		t.Helper()
		return playgroundPost(t, base, token, path, body)
	}
	call := func(text string) string {
		t.Helper()
		return post("api/tool", `{"provider":"double","tool":"echo","params":{"text":"`+text+`"}}`)
	}
	if got := call("hello"); !strings.Contains(got, `"text":"hello"`) || !strings.Contains(got, `"end":true`) {
		t.Fatalf("a call: %s", got)
	}
	// The plugin's call into Dify is shown, answered by the stand-in, then
	// by the reply written for it.
	askLLM := func() string {
		t.Helper()
		return post("api/tool", `{"provider":"double","tool":"ask_llm","params":{"text":"what is six times seven?"}}`)
	}
	if got := askLLM(); !strings.Contains(got, `{"backwards":{"type":"llm"`) || !strings.Contains(got, `"text":"hello world world ! !"`) {
		t.Fatalf("ask_llm with the stand-in: %s", got)
	}
	// A file chosen on the page reaches the plugin as Dify sends one: an
	// object whose URL the plugin's process downloads from the playground.
	file := playgroundPost(t, base, token, "api/files", "%PDF-1.7 a report", "X-Filename", "report.pdf", "Content-Type", "application/pdf")
	if got := post("api/tool", `{"provider":"double","tool":"fetch","params":{"doc":`+string(file)+`}}`); !strings.Contains(got, `report.pdf (document, application/pdf): 17 bytes: %PDF-1.7 a repor`) {
		t.Fatalf("the plugin fetching a chosen file (%s): %s", file, got)
	}
	if got := post("api/replies", `{"type":"llm","reply":"forty two"}`); !strings.Contains(got, `"llm":"forty two"`) {
		t.Fatalf("writing a reply: %s", got)
	}
	if got := askLLM(); !strings.Contains(got, `"written":true`) || !strings.Contains(got, `"text":"forty two"`) {
		t.Fatalf("ask_llm with a written reply: %s", got)
	}
	resp, err := http.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(html), `data-tool="double/echo"`) {
		t.Fatalf("the page has no echo form")
	}
	// Save a file: the playground restarts the plugin and the long poll of
	// a page at version 0 answers with the new version.
	yaml := filepath.Join(dir, "tools", "echo.yaml")
	data, _ := os.ReadFile(yaml)
	os.WriteFile(yaml, []byte(strings.Replace(string(data), "en_US: echo", "en_US: Echo again", 1)), 0o644)
	for {
		resp, err := http.Get(base + "api/changes?since=0&token=" + token)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(b), `"version":1`) {
			break
		}
	}
	if got := call("again"); !strings.Contains(got, `"text":"again"`) {
		t.Fatalf("a call after the restart: %s\nstderr:\n%s", got, stderr.String())
	}
	if got := askLLM(); !strings.Contains(got, `"text":"forty two"`) {
		t.Errorf("the written reply did not outlast the restart: %s", got)
	}
	resp, _ = http.Get(page)
	html, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(html), "Echo again") {
		t.Error("the page shows the old labels")
	}
	if !strings.Contains(stderr.String(), "changed: tools/echo.yaml; restarting the plugin") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
}
