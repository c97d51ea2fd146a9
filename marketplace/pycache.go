package marketplace

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/dify-cli/dify/internal/atomicfile"
	"github.com/dify-cli/dify/internal/diskread"
)

// The interpreter's answers are kept in a cache keyed by everything they
// depend on: the script that reads the file, the interpreter, what was
// asked and the file's bytes. Parsing Python is most of the marketplace's
// checks' time, and most files do not change between two runs.

// pyCache is a folder of answers, one file each.
type pyCache struct {
	dir    string
	prefix []byte // the script and the interpreter
}

func newPyCache(dir, python, version string) *pyCache {
	if dir == "" {
		return nil
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", pycheck, python, version)
	return &pyCache{dir: dir, prefix: h.Sum(nil)}
}

func (c *pyCache) key(f *pyFile) string {
	h := sha256.New()
	h.Write(c.prefix)
	fmt.Fprintf(h, "%t%t%t%t\x00", f.Compile, f.Safety, f.Hosts, f.Scan)
	h.Write(f.Data)
	return hex.EncodeToString(h.Sum(nil))
}

func (c *pyCache) path(key string) string { return filepath.Join(c.dir, key[:2], key+".json") }

// get returns a kept answer.
func (c *pyCache) get(f *pyFile) (pyResult, bool) {
	data, _, err := diskread.Head(c.path(c.key(f)), 64<<20)
	if err != nil {
		return pyResult{}, false
	}
	var r pyResult
	if json.Unmarshal(data, &r) != nil {
		return pyResult{}, false
	}
	return r, true
}

// put keeps an answer; a cache that cannot be written only costs time.
func (c *pyCache) put(f *pyFile, r pyResult) {
	p := c.path(c.key(f))
	if os.MkdirAll(filepath.Dir(p), 0o755) != nil {
		return
	}
	data, err := json.Marshal(r)
	if err != nil {
		return
	}
	atomicfile.Write(p, 0o644, func(w io.Writer) error { _, err := w.Write(data); return err })
}
