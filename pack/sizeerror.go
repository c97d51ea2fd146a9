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
	if len(e.Largest) > 0 {
		s += fmt.Sprintf("; the largest is %s (%s)", e.Largest[0].Path, bytesize.Format(e.Largest[0].Size))
	}
	return s
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
	fmt.Fprintf(&b, "%s %s uncompressed, over the limit of %s; %s:", what, bytesize.Format(e.Total), bytesize.Format(e.Limit), largest)
	for _, f := range e.Largest {
		fmt.Fprintf(&b, "\n  %10s  %s", bytesize.Format(f.Size), f.Path)
	}
	if e.Declared {
		b.WriteString("\nDify refuses it before reading it; if your Dify allows larger packages (PLUGIN_MAX_PACKAGE_SIZE), raise --max-size")
	} else if e.Suggestion != "" {
		fmt.Fprintf(&b, "\nadd the line %q to .difyignore to leave them out, or raise --max-size", e.Suggestion)
	} else {
		b.WriteString("\nleave files out with .difyignore, or raise --max-size")
	}
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
