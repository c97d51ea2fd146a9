package marketplace

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"github.com/dify-cli/dify/internal/lazyregexp"
	"github.com/dify-cli/dify/internal/pytext"
)

// The package_binaries check: executables and native libraries, found by
// their first bytes rather than their names, block unless they sit inside
// an unpacked wheel (a folder named *.whl), where they only warn.

var magics = []struct {
	magic []byte
	what  string
}{
	{[]byte("\x7fELF"), "ELF executable or shared object"},
	{[]byte("MZ"), "Windows PE executable or DLL"},
	{[]byte("\xfe\xed\xfa\xce"), "Mach-O binary"},
	{[]byte("\xfe\xed\xfa\xcf"), "Mach-O 64-bit binary"},
	{[]byte("\xce\xfa\xed\xfe"), "Mach-O binary"},
	{[]byte("\xcf\xfa\xed\xfe"), "Mach-O 64-bit binary"},
	{[]byte("\xca\xfe\xba\xbe"), "Mach-O universal binary"},
	{[]byte("\xca\xfe\xba\xbf"), "Mach-O universal binary"},
}

var nativeSuffixes = map[string]string{
	".dll":   "Windows dynamic library suffix .dll",
	".dylib": "macOS dynamic library suffix .dylib",
	".exe":   "Windows executable suffix .exe",
	".node":  "native Node.js addon suffix .node",
	".pyd":   "native Python extension suffix .pyd",
	".so":    "native shared library suffix .so",
}

var reviewSuffixes = map[string]string{
	".app":     "application bundle suffix .app",
	".bin":     "binary-like suffix .bin",
	".command": "macOS command script suffix .command",
	".run":     "installer-like suffix .run",
	".sh":      "shell script suffix .sh",
}

var daemonName = lazyregexp.New(`(?i)^(?:dify-plugin-linux-.+|dify-plugin-darwin-.+|dify-plugin-windows-.+\.exe)$`)

func (c *checker) binaries() {
	e := c.emit(Binaries)
	for _, f := range c.t.files {
		if pruned(f.path, in("__pycache__", ".git", ".hg", ".svn")) {
			continue
		}
		seen := map[string]bool{}
		report := func(block bool, rule, hint, reason string) {
			if seen[reason] {
				return
			}
			seen[reason] = true
			if block {
				e.block(at(f.path, 0), rule, hint, f.path+": "+reason)
			} else {
				e.warn(at(f.path, 0), rule, hint, f.path+": "+reason)
			}
		}
		inWheel := anyOf(dirs(f.path), func(d string) bool { return strings.HasSuffix(d, ".whl") })
		name := path.Base(f.path)
		if daemonName().MatchString(name) {
			report(true, "daemon-binary", c.leaveOut(name)+"; a plugin never ships the plugin daemon or the dify CLI",
				"platform plugin daemon binary filename is not allowed")
		}
		head := c.t.head(f.path, 8)
		for _, m := range magics {
			if bytes.HasPrefix(head, m.magic) {
				hint := c.leaveOut(f.path) + "; list the dependency that brings it in requirements.txt instead"
				if string(m.magic) == "MZ" && !strings.HasSuffix(strings.ToLower(name), ".exe") && !strings.HasSuffix(strings.ToLower(name), ".dll") {
					hint = fmt.Sprintf("the validator reads any file that starts with the letters \"MZ\" as a Windows program; if %s is text, make it start with something else", name)
				}
				report(!inWheel, "executable", hint, m.what)
				break
			}
		}
		suffix := strings.ToLower(pytext.Suffix(f.path))
		if what, ok := nativeSuffixes[suffix]; ok {
			report(!inWheel, "native-library", c.leaveOut("*"+suffix)+"; let pip install native code from a wheel at install time", what)
		} else if what, ok := reviewSuffixes[suffix]; ok {
			report(false, "review-suffix", "a reviewer reads it to see what it runs", what)
		}
		if f.exec {
			line := firstLine(c.t.head(f.path, 200))
			if strings.HasPrefix(line, "#!") {
				report(false, "executable-bit", "package it without the executable bit unless the plugin runs it", fmt.Sprintf("has executable permission with shebang `%s`", line))
			} else {
				report(false, "executable-bit", "package it without the executable bit unless the plugin runs it", "has executable permission")
			}
		}
	}
}

func anyOf(items []string, pred func(string) bool) bool {
	for _, s := range items {
		if pred(s) {
			return true
		}
	}
	return false
}

// firstLine is the validator's view of a file's first line: at most 200
// bytes, up to the first newline, decoded, stripped.
func firstLine(head []byte) string {
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i+1]
	}
	return pytext.Strip(pytext.Decode(head))
}
