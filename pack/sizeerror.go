package pack

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// SizeError reports a package over its uncompressed size limit.
type SizeError struct {
	Limit   int64
	Total   int64
	Largest []File // the five largest files of the whole package, largest first
	// Suggestion is an ignore-file line that would remove most of the excess,
	// when an obvious one exists (".venv/", "*.zip", ...).
	Suggestion string
}

func newSizeError(limit, total int64, files []File) *SizeError {
	sorted := append([]File(nil), files...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Size > sorted[j].Size })
	if len(sorted) > 5 {
		sorted = sorted[:5]
	}
	return &SizeError{Limit: limit, Total: total, Largest: sorted, Suggestion: suggestIgnore(files, total-limit)}
}

func (e *SizeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the plugin's files add up to %s uncompressed, over the limit of %s; largest files:",
		HumanSize(e.Total), HumanSize(e.Limit))
	for _, f := range e.Largest {
		fmt.Fprintf(&b, "\n  %10s  %s", HumanSize(f.Size), f.Path)
	}
	if e.Suggestion != "" {
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

// HumanSize formats a byte count for people: 512 B, 1.5 KiB, 50.0 MiB.
func HumanSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
