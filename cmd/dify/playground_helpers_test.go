package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// startPlayground runs dify plugin playground with args (--no-open is
// added) until the test ends, and returns the page's address, its base
// (the address without the token), the token, and what it writes on
// stderr so far.
func startPlayground(t *testing.T, bin string, env []string, args ...string) (page, base, token string, stderr *strings.Builder) {
	t.Helper()
	cmd := exec.Command(bin, append(append([]string{"plugin", "playground"}, args...), "--no-open")...)
	cmd.Env = env
	stdout, _ := cmd.StdoutPipe()
	stderr = &strings.Builder{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		cmd.Wait()
		t.Fatalf("no address printed; stderr:\n%s", stderr.String())
	}
	page = lines.Text()
	base, token, ok := strings.Cut(page, "?token=")
	if !ok || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("printed %q", page)
	}
	return page, base, token, stderr
}

// playgroundPost sends body to the playground's API at path, with the
// token and the headers given as name, value pairs, and returns the answer.
func playgroundPost(t *testing.T, base, token, path, body string, header ...string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
	req.Header.Set("X-Playground-Token", token)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
