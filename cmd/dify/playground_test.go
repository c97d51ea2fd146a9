//go:build unix

package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
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
	cmd := exec.Command(bin, "plugin", "playground", dir, "--no-open")
	cmd.Env = append(os.Environ(), "DIFY_CACHE_DIR="+filepath.Join(t.TempDir(), "cache"))
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		cmd.Wait()
		t.Fatalf("no address printed; stderr:\n%s", stderr.String())
	}
	page := lines.Text()
	base, token, ok := strings.Cut(page, "?token=")
	if !ok || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("printed %q", page)
	}
	post := func(path, body string) string {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
		req.Header.Set("X-Playground-Token", token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
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
	req, _ := http.NewRequest(http.MethodPost, base+"api/files", strings.NewReader("%PDF-1.7 a report"))
	req.Header.Set("X-Playground-Token", token)
	req.Header.Set("X-Filename", "report.pdf")
	req.Header.Set("Content-Type", "application/pdf")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	file, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if got := post("api/tool", `{"provider":"double","tool":"fetch","params":{"doc":`+string(file)+`}}`); !strings.Contains(got, `report.pdf (document, application/pdf): 17 bytes: %PDF-1.7 a repor`) {
		t.Fatalf("the plugin fetching a chosen file (%s): %s", file, got)
	}
	if got := post("api/replies", `{"type":"llm","reply":"forty two"}`); !strings.Contains(got, `"llm":"forty two"`) {
		t.Fatalf("writing a reply: %s", got)
	}
	if got := askLLM(); !strings.Contains(got, `"written":true`) || !strings.Contains(got, `"text":"forty two"`) {
		t.Fatalf("ask_llm with a written reply: %s", got)
	}
	resp, err = http.Get(page)
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
