package playground

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// A file chosen on the page is kept and answered with the object Dify
// gives a plugin; its URL serves the bytes without the page's token (the
// plugin has none), and only while the playground runs.
func TestUploads(t *testing.T) {
	s, page := serve(t, Options{Plugin: plugin(t), Invoke: nil})
	base := strings.SplitN(page, "?", 2)[0]
	upload := func(name, typ string, body []byte, token string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, base+"api/files", bytes.NewReader(body))
		req.Header.Set("X-Playground-Token", token)
		req.Header.Set("X-Filename", name)
		req.Header.Set("Content-Type", typ)
		return do(t, req)
	}
	if code, _ := upload("a.txt", "text/plain", []byte("x"), "wrong"); code != http.StatusUnauthorized {
		t.Errorf("an upload without the token: %d", code)
	}
	code, b := upload("r%C3%A9sum%C3%A9.pdf", "application/pdf", []byte("%PDF-1.7 hello"), s.Token())
	var obj FileObject
	if code != 200 || json.Unmarshal([]byte(b), &obj) != nil {
		t.Fatalf("upload: %d %s", code, b)
	}
	if obj.Identity != "__dify__file__" || obj.Filename != "résumé.pdf" || obj.Extension != ".pdf" || obj.Size != 14 || obj.Type != "document" ||
		obj.MimeType != "application/pdf" || !strings.HasPrefix(obj.URL, base+"files/") {
		t.Errorf("the file object: %+v", obj)
	}
	got, err := http.Get(obj.URL)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(got.Body)
	got.Body.Close()
	if got.StatusCode != 200 || string(data) != "%PDF-1.7 hello" || got.Header.Get("Content-Type") != "application/pdf" ||
		!strings.HasPrefix(got.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("GET the file: %d %q %v", got.StatusCode, data, got.Header)
	}
	if code, body := get(t, base+"files/0123456789abcdef0123456789abcdef/x.pdf", nil); code != http.StatusNotFound || !strings.Contains(body, "no such file") {
		t.Errorf("an unknown file: %d %s", code, body)
	}
	// A file's URL answers only on the playground's own address.
	if code, _ := get(t, obj.URL, map[string]string{"Host": "evil.example"}); code != http.StatusForbidden {
		t.Errorf("the file through another host name: %d", code)
	}
	if code, b := upload("cat.png", "image/png", []byte("png"), s.Token()); code != 200 || !strings.Contains(b, `"type":"image"`) {
		t.Errorf("an image: %d %s", code, b)
	}
	if code, b := upload("", "text/plain", []byte("x"), s.Token()); code != http.StatusBadRequest || !strings.Contains(b, "X-Filename") {
		t.Errorf("a file without a name: %d %s", code, b)
	}
	if code, b := upload("big.bin", "application/octet-stream", make([]byte, maxUpload+1), s.Token()); code != http.StatusRequestEntityTooLarge || !strings.Contains(b, "50 MiB") {
		t.Errorf("a file over the limit: %d %s", code, b)
	}
}
