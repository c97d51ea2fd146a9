package marketplace

import (
	"fmt"
	"path"
	"strings"

	"github.com/dify-cli/dify/internal/bytesize"
	"github.com/dify-cli/dify/internal/pytext"
	"github.com/dify-cli/dify/secret"
)

// The package_contents check: development leftovers that should never be
// packaged, and the marketplace's size and file-count limits.

const (
	maxPackageBytes = 50 * 1024 * 1024
	maxPackageFiles = 5000
)

var (
	blockedFolders = in(".git", ".hg", ".svn", ".venv", "venv", "env", "__pycache__", ".pytest_cache", ".ruff_cache",
		".mypy_cache", ".tox", ".nox", ".idea", ".vscode", "node_modules", "pycache")
	reviewFolders = in("build", "dist")
	blockedNames  = in(".DS_Store", ".gitconfig", "Thumbs.db", "desktop.ini", "id_rsa")
	blockedSuffix = in(".key", ".pem", ".p12", ".pfx", ".pyc", ".pyo", ".log", ".tmp", ".swp", ".swo", ".bak")
	archiveSuffix = in(".zip", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar")
)

func (c *checker) contents() {
	e := c.emit(Contents)
	if size := c.t.packageSize; size > maxPackageBytes {
		e.block(at(c.name, 0), "package-size", "leave large files out with .difyignore, or fetch them at run time",
			fmt.Sprintf("the package is %s (%d bytes); the marketplace accepts at most 50 MB", bytesize.Format(size), size))
	}
	seenDir := map[string]bool{}
	var count int
	var total int64
	for _, f := range c.t.files {
		parts := dirs(f.path)
		blockedAt := -1
		for i, d := range parts {
			dir := strings.Join(parts[:i+1], "/")
			if blockedFolders(d) {
				blockedAt = i
				if !seenDir[dir] {
					seenDir[dir] = true
					e.block(at(dir+"/", 0), "blocked-folder", c.leaveOut(dir+"/"),
						fmt.Sprintf("blocked directory: %s/ (%s)", dir, folderWhy(d)))
				}
				break
			}
			if reviewFolders(d) && !seenDir[dir] {
				seenDir[dir] = true
				e.warn(at(dir+"/", 0), "review-folder", "a reviewer checks what it holds; leave it out with .difyignore if it is build output",
					fmt.Sprintf("review directory: %s/", dir))
			}
		}
		if blockedAt >= 0 {
			continue // the validator does not look inside a blocked folder
		}
		count++
		total += f.size
		name := path.Base(f.path)
		suffix := strings.ToLower(pytext.Suffix(f.path))
		switch {
		case blockedNames(name) || secret.IsEnvFile(name):
			hint := c.leaveOut(name)
			if secret.IsEnvFile(name) {
				hint += "; the marketplace accepts .env.example, .env.sample and .env.template"
			}
			e.block(at(f.path, 0), "blocked-file", hint, "blocked file: "+f.path)
		case blockedSuffix(suffix):
			e.block(at(f.path, 0), "blocked-suffix", c.leaveOut("*"+suffix)+suffixWhy(suffix),
				"blocked file suffix: "+f.path)
		case archiveSuffix(suffix):
			e.warn(at(f.path, 0), "archive-file", "a reviewer unpacks it; ship its contents instead if you can",
				"review archive file: "+f.path)
		}
	}
	if total > maxPackageBytes {
		e.block(at(".", 0), "contents-size", "leave large files out with .difyignore, or fetch them at run time",
			fmt.Sprintf("package contents size exceeds 50 MB: %d bytes (%s)", total, bytesize.Format(total)))
	}
	if count > maxPackageFiles {
		e.block(at(".", 0), "file-count", "leave vendored dependencies out and list them in requirements.txt instead",
			fmt.Sprintf("package contains too many files: %d files (the marketplace accepts 5,000)", count))
	}
}

func folderWhy(name string) string {
	switch name {
	case ".git", ".hg", ".svn":
		return "version-control history, with every secret ever committed"
	case ".venv", "venv", "env":
		return "a virtual environment; the marketplace blocks any folder with this name"
	case "node_modules":
		return "vendored JavaScript dependencies"
	case ".idea", ".vscode":
		return "editor settings"
	}
	return "a cache"
}

func suffixWhy(suffix string) string {
	switch suffix {
	case ".key", ".pem", ".p12", ".pfx":
		return "; the marketplace blocks these suffixes even for public keys and certificates, so rename one the plugin needs (e.g. cert.crt)"
	case ".pyc", ".pyo":
		return "; compiled Python is made again at install time"
	}
	return ""
}
