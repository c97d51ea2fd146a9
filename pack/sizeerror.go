package pack

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/dify-cli/dify/internal/bytesize"
)

// SizeError reports a package over its uncompressed size limit.
type SizeError struct {
	Limit   int64
	Total   int64
	Largest []File // the five largest files of the whole package, largest first
	// Suggestion is an ignore-file line that would remove most of the excess,
	// when an obvious one exists (".venv/", "*.zip", ...).
	Suggestion string
	// Declared is set for a package whose entries' headers declare the sizes.
	Declared bool
}

// Ceiling is the most any plan may hold, whatever --max-size says: more
// than a Dify is ever configured to take. Commands whose packages grow to
// fit (package --offline) open their source with it.
const Ceiling = 4 << 30

// overCeiling reports whether the limit broken is Ceiling rather than one
// the user chose.
func (e *SizeError) overCeiling() bool { return e.Limit >= Ceiling }

// PluginWide marks the error as one about the whole plugin, not about the
// file whose read it stopped.
func (e *SizeError) PluginWide() bool { return true }

func newSizeError(limit, total int64, files []File) *SizeError {
	sorted := append([]File(nil), files...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Size > sorted[j].Size })
	if len(sorted) > 5 {
		sorted = sorted[:5]
	}
	return &SizeError{Limit: limit, Total: total, Largest: sorted, Suggestion: suggestIgnore(files, total-limit)}
}

// summary is the first line of the error, with the largest file.
func (e *SizeError) summary() string {
	what := "the plugin's files add up to"
	if e.Declared {
		what = "the package's entries declare"
	}
	s := fmt.Sprintf("%s %s uncompressed, over the limit of %s", what, bytesize.Format(e.Total), bytesize.Format(e.Limit))
	if e.overCeiling() {
		s = fmt.Sprintf("%s %s uncompressed, more than dify reads (%s) and more than any Dify installs", what, bytesize.Format(e.Total), bytesize.Format(e.Limit))
	}
	if len(e.Largest) > 0 {
		s += fmt.Sprintf("; the largest is %s (%s)", e.Largest[0].Path, bytesize.Format(e.Largest[0].Size))
	}
	return s
}

// Fix says what to do about it.
func (e *SizeError) Fix() string {
	switch {
	case e.overCeiling() && e.Declared:
		return "no real plugin is this large: the package is damaged, or its headers lie"
	case e.overCeiling() && e.Suggestion != "":
		return fmt.Sprintf("add the line %q to .difyignore to leave them out", e.Suggestion)
	case e.overCeiling():
		return "leave files out with .difyignore"
	case e.Declared:
		return "Dify refuses it before reading it; if your Dify allows larger packages (PLUGIN_MAX_PACKAGE_SIZE), raise --max-size"
	case e.Suggestion != "":
		return fmt.Sprintf("add the line %q to .difyignore to leave them out, or raise --max-size", e.Suggestion)
	}
	return "leave files out with .difyignore, or raise --max-size"
}

func (e *SizeError) Error() string {
	var b strings.Builder
	what := "the plugin's files add up to"
	if e.Declared {
		what = "the package's entries declare"
	}
	largest := "largest files"
	if e.Declared {
		largest = "largest entries"
	}
	if e.overCeiling() {
		fmt.Fprintf(&b, "%s %s uncompressed, more than dify reads (%s) and more than any Dify installs; %s:", what, bytesize.Format(e.Total), bytesize.Format(e.Limit), largest)
	} else {
		fmt.Fprintf(&b, "%s %s uncompressed, over the limit of %s; %s:", what, bytesize.Format(e.Total), bytesize.Format(e.Limit), largest)
	}
	for _, f := range e.Largest {
		fmt.Fprintf(&b, "\n  %10s  %s", bytesize.Format(f.Size), f.Path)
	}
	b.WriteString("\n" + e.Fix())
	return b.String()
}

// suggestIgnore looks for a well-known directory or file kind that does not
// belong in a package and accounts for at least the excess bytes (or most of the
// package), and returns the ignore line that would drop it.
func suggestIgnore(files []File, excess int64) string {
	dirs := []string{".venv", "venv", "env", ".git", "node_modules", "__pycache__", ".mypy_cache",
		".pytest_cache", ".ruff_cache", ".tox", "dist", "build", ".idea", ".vscode"}
	exts := []string{".difybndl", ".zip", ".tar.gz", ".tgz", ".whl", ".log", ".tar", ".7z"}
	bytes := map[string]int64{}
	for _, f := range files {
		for _, part := range strings.Split(path.Dir(f.Path), "/") {
			for _, d := range dirs {
				if part == d {
					bytes[d+"/"] += f.Size
				}
			}
		}
		for _, x := range exts {
			if strings.HasSuffix(f.Path, x) {
				bytes["*"+x] += f.Size
			}
		}
	}
	best, bestN := "", int64(0)
	for line, n := range bytes {
		if n > bestN || (n == bestN && line < best) {
			best, bestN = line, n
		}
	}
	if bestN == 0 || bestN < excess {
		return ""
	}
	return best
}
