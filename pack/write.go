package pack

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// DefaultMaxSize is the daemon's default limit on a package's uncompressed
// size (MAX_PLUGIN_PACKAGE_SIZE): 50 MiB.
const DefaultMaxSize int64 = 50 << 20

// WriteOptions tune Write.
type WriteOptions struct {
	// MaxSize caps the sum of the uncompressed file sizes, in bytes. Values
	// ≤ 0 mean DefaultMaxSize. Equality is allowed, as in the daemon.
	MaxSize int64
}

// Write writes every regular file of fsys to w as a zip archive that the Dify
// daemon reads: entries in byte order of their slash paths, no directory
// entries, deflated, with zero timestamps and no modes, so that the same
// files always give the same bytes. Files are streamed one at a time.
func Write(w io.Writer, fsys fs.FS, opts WriteOptions) error {
	limit := opts.MaxSize
	if limit <= 0 {
		limit = DefaultMaxSize
	}
	files, err := List(fsys)
	if err != nil {
		return err
	}
	var total int64
	for _, f := range files {
		total += f.Size
	}
	if total > limit {
		return newSizeError(limit, total, files)
	}

	zw := zip.NewWriter(w)
	total = 0
	for _, f := range files {
		// The header mirrors what the reference packager writes (zip.Writer.Create):
		// deflate, data descriptor, no times, no extra fields.
		ew, err := zw.CreateHeader(&zip.FileHeader{Name: f.Path, Method: zip.Deflate})
		if err != nil {
			return err
		}
		n, err := copyFile(ew, fsys, f.Path, limit-total)
		total += n
		if err != nil {
			if errors.Is(err, errTooLarge) {
				// The file grew while packaging; report with what is known now.
				return newSizeError(limit, total+1, files)
			}
			return err
		}
	}
	return zw.Close()
}

var errTooLarge = errors.New("over the size limit")

// copyFile copies the file at p into w, failing once more than budget bytes
// have been read.
func copyFile(w io.Writer, fsys fs.FS, p string, budget int64) (int64, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n, err := io.Copy(w, io.LimitReader(f, budget+1))
	if err != nil {
		return n, fmt.Errorf("reading %s: %w", p, err)
	}
	if n > budget {
		return n, errTooLarge
	}
	return n, nil
}

// List returns the regular files of fsys with their sizes, sorted by path.
func List(fsys fs.FS) ([]File, error) {
	if s, ok := fsys.(*Source); ok {
		return append([]File(nil), s.Files...), nil
	}
	var files []File
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return fmt.Errorf("%s is not a regular file", p)
		}
		files = append(files, File{Path: p, Size: info.Size()})
		return nil
	})
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, err
}

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
