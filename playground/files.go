package playground

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
)

// Files chosen on the page reach the plugin as Dify sends them: a file
// object (dify_model_identity "__dify__file__") whose URL the plugin
// downloads. Dify's URL points at its file server; the playground's at
// itself, /files/ID, where ID is a random name that is the only key to
// the file (the plugin's process has no page token).

// Limits on what the page may upload, kept in memory for the playground's
// life: Dify's own upload limit is 15 MB a document.
const (
	maxUpload   = 50 << 20
	maxUploaded = 256 << 20
)

type upload struct {
	name, mime string
	data       []byte
}

// uploads are the files chosen on the page.
type uploads struct {
	mu    sync.Mutex
	files map[string]upload
	size  int64
}

// FileObject is a file parameter's value as Dify gives it to a plugin.
type FileObject struct {
	Identity  string `json:"dify_model_identity"`
	URL       string `json:"url"`
	MimeType  string `json:"mime_type"`
	Filename  string `json:"filename"`
	Extension string `json:"extension"`
	Size      int    `json:"size"`
	Type      string `json:"type"` // image, document, audio, video
}

// add keeps a file and returns its object, its URL on base
// ("http://127.0.0.1:PORT").
func (u *uploads) add(base, name, mimeType string, data []byte) (FileObject, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.size+int64(len(data)) > maxUploaded {
		return FileObject{}, fmt.Errorf("the playground keeps at most %d MiB of files; restart it to choose more", maxUploaded>>20)
	}
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return FileObject{}, err
	}
	id := hex.EncodeToString(b)
	if u.files == nil {
		u.files = map[string]upload{}
	}
	u.files[id] = upload{name: name, mime: mimeType, data: data}
	u.size += int64(len(data))
	return FileObject{Identity: "__dify__file__", URL: base + "/files/" + id + "/" + url.PathEscape(name), MimeType: mimeType, Filename: name,
		Extension: path.Ext(name), Size: len(data), Type: fileType(mimeType)}, nil
}

// fileType is Dify's kind of a file, from its MIME type.
func fileType(mimeType string) string {
	switch kind, _, _ := strings.Cut(mimeType, "/"); kind {
	case "image", "audio", "video":
		return kind
	}
	return "document"
}

// receive answers POST /api/files: the body is the file, X-Filename its
// name (URL-encoded), Content-Type its type.
func (s *Server) receive(w http.ResponseWriter, r *http.Request) {
	name, err := url.PathUnescape(r.Header.Get("X-Filename"))
	name = path.Base("/" + strings.ReplaceAll(name, `\`, "/"))
	if err != nil || name == "/" || name == "." {
		apiError(w, http.StatusBadRequest, "name the file in the X-Filename header")
		return
	}
	mimeType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mimeType == "" {
		mimeType = "application/octet-stream"
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxUpload+1))
	if err != nil {
		apiError(w, http.StatusBadRequest, "the file did not arrive whole: "+err.Error())
		return
	}
	if len(data) > maxUpload {
		apiError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("%s is larger than %d MiB, the most the playground takes", name, maxUpload>>20))
		return
	}
	obj, err := s.uploads.add("http://"+s.host, name, mimeType, data)
	if err != nil {
		apiError(w, http.StatusInsufficientStorage, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(obj)
}

// serveFile answers GET /files/ID/NAME, for the plugin.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	id, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/files/"), "/")
	s.uploads.mu.Lock()
	f, ok := s.uploads.files[id]
	s.uploads.mu.Unlock()
	if !ok || r.Method != http.MethodGet {
		apiError(w, http.StatusNotFound, "no such file: it was chosen in another playground, or this one restarted")
		return
	}
	w.Header().Set("Content-Type", f.mime)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.name}))
	w.Write(f.data)
}
