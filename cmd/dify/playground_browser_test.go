//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dify-cli/dify/internal/headless"
)

// The playground as a developer meets it: the built binary on the tool
// double's real process, its page in Chromium. A tool is run, a tool that
// calls into Dify shows the call, and saving a file of the plugin restarts
// it and reloads the page with what the form held.
func TestPlaygroundInTheBrowser(t *testing.T) {
	exe := headless.Chromium(t)
	needPython(t)
	bin := buildDify(t)
	dir := double(t)
	page, _, _, stderr := startPlayground(t, bin, append(os.Environ(), "DIFY_CACHE_DIR="+filepath.Join(t.TempDir(), "cache")), dir)

	ctx := headless.Browser(t, exe)
	echo := func(sel string) chromedp.CSS { return chromedp.CSS(`#tool-double\/echo ` + sel) }
	ask := func(sel string) chromedp.CSS { return chromedp.CSS(`#tool-double\/ask_llm ` + sel) }
	err := chromedp.Do(ctx,
		chromedp.Navigate(page),
		chromedp.Click(chromedp.CSS(`nav button[data-tool="double/ask_llm"]`)),
		chromedp.SendKeys(ask(`input[name=text]`), "what is new?"),
		chromedp.Click(ask(`button.run`)),
		chromedp.WaitVisible(ask(`.result[data-done="true"]`)),
		chromedp.Click(chromedp.CSS(`nav button[data-tool="double/echo"]`)),
		chromedp.SendKeys(echo(`input[name=text]`), "hello from the page"),
		chromedp.Click(echo(`button.run`)),
		chromedp.WaitVisible(echo(`.result[data-done="true"]`)),
	)
	if err != nil {
		t.Fatalf("%v\nstderr:\n%s", err, stderr.String())
	}
	asked, err := chromedp.Run(ctx, chromedp.TextContent(ask(`.result`)))
	if err != nil || !strings.Contains(asked, "call into Dify: llm gpt-test (stand-in's reply)") || !strings.Contains(asked, "hello world world ! !") {
		t.Errorf("ask_llm's result: %q, %v", asked, err)
	}
	echoed, err := chromedp.Run(ctx, chromedp.Text(echo(`.result`)))
	if err != nil || !strings.Contains(echoed, "hello from the page") {
		t.Errorf("echo's result: %q, %v", echoed, err)
	}
	headless.Screenshot(t, ctx, "double.png")

	// Save a file: the plugin restarts, the page reloads with the new label
	// and the text the form held.
	yaml := filepath.Join(dir, "tools", "echo.yaml")
	data, _ := os.ReadFile(yaml)
	os.WriteFile(yaml, []byte(strings.Replace(string(data), "en_US: echo", "en_US: Echo, saved", 1)), 0o644)
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`body[data-restored="true"]`))); err != nil {
		t.Fatalf("%v\nstderr:\n%s", err, stderr.String())
	}
	nav, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`nav`)))
	if err != nil || !strings.Contains(nav, "Echo, saved") {
		t.Errorf("the page after the save: %q, %v", nav, err)
	}
	if text, err := chromedp.Run(ctx, chromedp.Value(echo(`input[name=text]`))); err != nil || text != "hello from the page" {
		t.Errorf("the form after the reload: %q, %v", text, err)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(echo(`button.run`)),
		chromedp.WaitVisible(echo(`.result[data-done="true"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := chromedp.Run(ctx, chromedp.Text(echo(`.result`))); err != nil || !strings.Contains(again, "hello from the page") {
		t.Errorf("echo after the restart: %q, %v", again, err)
	}
}
