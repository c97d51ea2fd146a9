package offline

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/dify-cli/dify/internal/atomicfile"
)

// A requirements.txt is resolved against the index, which takes time and
// the network; its resolution is kept in the cache beside the wheels, keyed
// by what decides it (the file, the index, the targets, the wheelhouse's
// wheels), so that a rebuild with a warm cache reads no network. A range
// then keeps the version it resolved to until Options.Refresh (--refresh)
// resolves again.

// resolution is what is kept: the selection, with every file's hash.
type resolution struct {
	Resolved     time.Time `json:"resolved"`
	Requirements []byte    `json:"requirements"`
	Files        []*File   `json:"files"`
}

// resolutionKey names the resolution of a requirements.txt.
func resolutionKey(data []byte, o Options, house map[string][]candidate) string {
	h := sha256.New()
	fmt.Fprintf(h, "dify-offline-resolution 1\n%s\n", o.IndexURL)
	for _, t := range o.Targets {
		fmt.Fprintf(h, "%s %s %s\n", t.Arch, t.Python, t.Glibc)
	}
	var names []string
	for _, cs := range house {
		for _, c := range cs {
			names = append(names, fmt.Sprintf("%s %d", c.wheel.File, c.size))
		}
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintln(h, n)
	}
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func resolutionPath(cacheDir, key string) string {
	return filepath.Join(cacheDir, "resolved", key+".json")
}

// reuse fills s from a kept resolution whose every wheel is in the cache
// or the wheelhouse; false when there is none to use.
func (s *Selection) reuse(cacheDir, key string) bool {
	if cacheDir == "" || key == "" {
		return false
	}
	data, err := os.ReadFile(resolutionPath(cacheDir, key))
	if err != nil {
		return false
	}
	var r resolution
	if json.Unmarshal(data, &r) != nil || len(r.Requirements) == 0 {
		return false
	}
	for _, f := range r.Files {
		if f == nil || f.Hash == "" {
			return false
		}
		if f.House != "" {
			if _, err := os.Stat(f.House); err != nil {
				return false
			}
		} else if cached(cacheDir, f) == "" {
			return false
		}
		f.Local, f.From = "", ""
	}
	s.Requirements, s.Files = r.Requirements, r.Files
	s.byName = map[string]*File{}
	for _, f := range s.Files {
		s.byName[f.Name] = f
	}
	s.Warnings = append(s.Warnings, fmt.Sprintf("requirements.txt as resolved on %s (kept in the cache, nothing asked of the index); --refresh resolves it again", r.Resolved.Local().Format("2006-01-02 15:04")))
	return true
}

// keep saves the resolution of a fetched selection (every file hashed).
// Best effort: without it, the next build resolves again.
func (s *Selection) keep(cacheDir string, now time.Time) {
	if cacheDir == "" || s.resolutionKey == "" || len(s.Missing) > 0 {
		return
	}
	for _, f := range s.Files {
		if f.Hash == "" {
			return
		}
	}
	data, err := json.Marshal(resolution{Resolved: now.UTC(), Requirements: s.Requirements, Files: s.Files})
	if err != nil {
		return
	}
	path := resolutionPath(cacheDir, s.resolutionKey)
	if os.MkdirAll(filepath.Dir(path), 0o755) != nil {
		return
	}
	atomicfile.Write(path, 0o644, func(w io.Writer) error { _, err := w.Write(data); return err })
}
