package marketplace

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"sync"

	"github.com/dify-cli/dify/internal/pytext"
)

// The checks that need Python itself: python_compile (every .py file must
// compile, as `python -m compileall` would), and the parts of python_safety
// and access_domains that read the syntax tree. One interpreter process
// reads every file of every plugin checked together.

//go:embed pycheck.py
var pycheck string

// pyFile is one file sent to the interpreter.
type pyFile struct {
	ID      int    `json:"id"`
	Name    string `json:"name"`
	Data    []byte `json:"data"` // base64 in JSON
	Compile bool   `json:"compile"`
	Safety  bool   `json:"safety"` // read for the safety warnings
	Hosts   bool   `json:"hosts"`  // read for outbound domains
	// Scan is unset when the text shows that reading the syntax tree can
	// find nothing (no requests, no credential-like name, no URL, no
	// network call): parsing is most of the interpreter's time.
	Scan bool `json:"scan"`

	owner *checker
	path  string
}

type pyResult struct {
	ID      int `json:"id"`
	Compile *struct {
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"compile"`
	ParseError *struct {
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"parse_error"`
	Safety   [][3]any `json:"safety"`   // line, message, snippet
	Literals [][2]any `json:"literals"` // line, text
	Calls    int      `json:"calls"`
	Runtime  int      `json:"runtime"`
}

// pythonFiles lists the files of this plugin the interpreter reads.
func (c *checker) pythonFiles() []*pyFile {
	var out []*pyFile
	hostFiles := map[string]bool{}
	for _, f := range c.t.sourceFiles() {
		if strings.ToLower(pytext.Suffix(f.path)) == ".py" {
			hostFiles[f.path] = true
		}
	}
	for _, f := range c.t.files {
		compile := strings.HasSuffix(f.path, ".py") && !pruned(f.path, in("__pycache__"))
		safety := pytext.Suffix(f.path) == ".py" && f.size <= maxText && !pruned(f.path, toolFolders)
		if !compile && !safety && !hostFiles[f.path] {
			continue
		}
		data, err := c.t.read(f.path, 64<<20)
		if err != nil {
			continue
		}
		text := pytext.DecodeShared(data)
		scan := safety && (strings.Contains(text, "requests") || leakWords().InText(text)) ||
			hostFiles[f.path] && (strings.Contains(text, "://") || networkWords().InText(text))
		out = append(out, &pyFile{Name: f.path, Data: data, Compile: compile, Safety: safety, Hosts: hostFiles[f.path], Scan: scan, owner: c, path: f.path})
	}
	return out
}

// What the syntax tree's scans look for: credential-like names, and the
// names of network calls. Text outside ASCII is always read (the parser
// normalizes identifiers).
var (
	leakWords = sync.OnceValue(func() *pytext.Words {
		return pytext.NewWords("credential", "api_key", "apikey", "secret", "token", "password", "passwd")
	})
	networkWords = sync.OnceValue(func() *pytext.Words { return pytext.NewWords("request", "httpx", "aiohttp", "urlopen") })
)

// runPython reads files with the interpreter at python and hands each
// result to the file's checker.
func runPython(ctx context.Context, python string, files []*pyFile) error {
	if len(files) == 0 {
		return nil
	}
	for i, f := range files {
		f.ID = i
	}
	req, err := json.Marshal(map[string]any{"files": files})
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, python, "-I", "-S", "-c", pycheck)
	cmd.Stdin = bytes.NewReader(req)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s could not read the Python files: %v: %s", python, err, strings.TrimSpace(stderr.String()))
	}
	var resp struct {
		Results []pyResult `json:"results"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &resp); err != nil || len(resp.Results) != len(files) {
		return fmt.Errorf("%s gave an answer the check cannot read: %v", python, err)
	}
	for _, r := range resp.Results {
		if r.ID < 0 || r.ID >= len(files) {
			return fmt.Errorf("%s answered for a file it was not given", python)
		}
		f := files[r.ID]
		f.owner.mu.Lock()
		f.owner.python[f.path] = r
		f.owner.mu.Unlock()
	}
	return nil
}

// maxSafety caps the safety warnings, as the validator does.
const maxSafety = 100

// applyPython turns the interpreter's answers into findings.
func (c *checker) applyPython(version string) {
	comp, safe := c.emit(Compile), c.emit(Safety)
	if c.opts.Python == "" {
		c.skip(Compile, "no Python interpreter found; the marketplace compiles every .py file with Python 3.12, install it to check here")
		c.skip(Safety, "no Python interpreter found: requests without timeout= and credentials in logs were not looked for")
		return
	}
	if c.pythonErr != nil {
		c.skip(Compile, c.pythonErr.Error())
		c.skip(Safety, c.pythonErr.Error())
		return
	}
	if version != "" && !strings.HasPrefix(version, "3.12") {
		c.note(Compile, fmt.Sprintf("compiled with Python %s; the marketplace uses 3.12, so syntax that only one of them accepts is not judged", version))
	}
	safety := 0
	for _, f := range c.t.files {
		r, ok := c.python[f.path]
		if !ok {
			continue
		}
		if r.Compile != nil && strings.HasSuffix(f.path, ".py") && !pruned(f.path, in("__pycache__")) {
			comp.block(at(f.path, r.Compile.Line), "python-compile", "fix the syntax: the marketplace compiles every .py file in the package, tests and examples too",
				fmt.Sprintf("%s does not compile: %s", f.path, r.Compile.Message))
		}
		if safety > maxSafety {
			continue
		}
		if r.ParseError != nil && pytext.Suffix(f.path) == ".py" && f.size <= maxText && !pruned(f.path, toolFolders) {
			safe.warn(at(f.path, r.ParseError.Line), "python-parse", "", fmt.Sprintf("%s:%d: could not parse Python file for safety warnings: %s", f.path, r.ParseError.Line, r.ParseError.Message))
			safety++
		}
		for _, w := range r.Safety {
			if safety >= maxSafety {
				safe.warn(at(".", 0), "safety-limit", "", fmt.Sprintf("warning limit reached; showing first %d Python safety warnings", maxSafety))
				safety++
				break
			}
			line := int(w[0].(float64))
			msg, snippet := w[1].(string), w[2].(string)
			detail := fmt.Sprintf("%s:%d: %s", f.path, line, msg)
			if snippet != "" {
				detail += ": " + snippet
			}
			safe.warn(at(f.path, line), safetyRule(msg), safetyHint(msg), detail)
			safety++
		}
	}
}

func safetyRule(msg string) string {
	if strings.Contains(msg, "timeout") {
		return "requests-timeout"
	}
	return "credential-exposure"
}

func safetyHint(msg string) string {
	switch {
	case strings.Contains(msg, "timeout"):
		return "pass timeout=, e.g. requests.get(url, timeout=30): without it a silent server hangs the plugin"
	case strings.HasPrefix(msg, "log"):
		return "log that the call failed, not the credential; a reviewer checks that no secret reaches the log"
	}
	return "make sure no credential value reaches the caller; a reviewer checks it"
}

// pythonHostsOf gives the string literals the interpreter found in a .py
// source file, and counts its network calls; false when it did not read it.
func (c *checker) pythonHostsOf(src hostsFound) ([][2]any, bool) {
	if !src.py {
		return nil, false
	}
	r, ok := c.python[src.path]
	if !ok || r.ParseError != nil {
		return nil, false
	}
	c.calls += r.Calls
	c.runtime += r.Runtime
	return r.Literals, true
}
