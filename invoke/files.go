package invoke

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dify-cli/dify/internal/atomicfile"
)

// Files the plugin sends (blobs, speech), written into the output folder.

// file writes a blob under the name its meta gives, else one made of its
// id and type, and says where.
func (o *Output) file(meta map[string]any, id string, data []byte) error {
	mimeType, _ := meta["mime_type"].(string)
	name, _ := meta["filename"].(string)
	name = filepath.Base(filepath.Clean("/" + name))
	if name == "/" || name == "." || name == "" {
		name = id + extension(mimeType)
	}
	path, err := o.save(name, data)
	if err != nil {
		return err
	}
	return o.line(fmt.Sprintf("file: %s (%d bytes%s)", path, len(data), map[bool]string{true: ", " + mimeType, false: ""}[mimeType != ""]))
}

// save writes data to a new file in Dir, never over an existing one. The
// name comes from the plugin (a blob's id, its meta's filename) and is made
// one plain file name first.
func (o *Output) save(name string, data []byte) (string, error) {
	name = plainName(name)
	dir := o.Dir
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	path := filepath.Join(dir, name)
	for i := 2; ; i++ {
		if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
			break
		}
		path = filepath.Join(dir, fmt.Sprintf("%s-%d%s", stem, i, ext))
	}
	err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	if err != nil {
		return "", err
	}
	o.Files = append(o.Files, path)
	return path, nil
}

// plainName makes a name from the plugin one file name inside the output
// folder: path separators and control characters become "_", leading dots
// go (no "..", no hidden files), and it is at most 200 bytes.
func plainName(name string) string {
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r < 0x20 || r == 0x7f {
			return '_'
		}
		return r
	}, name)
	name = strings.TrimLeft(name, ".")
	if len(name) > 200 {
		ext := filepath.Ext(name)
		if len(ext) > 20 {
			ext = ""
		}
		name = strings.ToValidUTF8(name[:200-len(ext)], "") + ext
	}
	if name == "" {
		name = "file"
	}
	return name
}

func extension(mimeType string) string {
	if mimeType == "" {
		return ".bin"
	}
	if exts, _ := mime.ExtensionsByType(mimeType); len(exts) > 0 {
		sort.Strings(exts)
		return exts[0]
	}
	return ".bin"
}

// audioExt names speech by its first bytes.
func audioExt(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("ID3")), len(b) > 1 && b[0] == 0xff && b[1]&0xe0 == 0xe0:
		return ".mp3"
	case bytes.HasPrefix(b, []byte("RIFF")):
		return ".wav"
	case bytes.HasPrefix(b, []byte("OggS")):
		return ".ogg"
	case bytes.HasPrefix(b, []byte("fLaC")):
		return ".flac"
	}
	return ".bin"
}
