package offline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/net/html"

	"github.com/dify-cli/dify/uvlock"
	"github.com/dify-cli/dify/uvlock/marker"
)

// DefaultIndex is where a requirements.txt's pins are looked up when no
// --index-url is given.
const DefaultIndex = "https://pypi.org/simple"

// IndexFile is a file an index lists for a project.
type IndexFile struct {
	Name string
	URL  string
	Hash string // "sha256:<hex>", "" when the index gives none
	Size int64  // bytes, 0 when the index does not say (PEP 700)
	// RequiresPython is the file's Requires-Python (PEP 503's
	// data-requires-python), "" when none.
	RequiresPython string
	Yanked         bool // PEP 592: only an exact pin may take it
	// Metadata says the index serves the wheel's METADATA at URL+".metadata"
	// (PEP 658/714); MetadataHash is its "sha256:<hex>" when given.
	Metadata     bool
	MetadataHash string
}

// index reads a simple repository (PEP 503 HTML or PEP 691 JSON).
type index struct {
	url      string
	web      *web
	mu       sync.Mutex
	cache    map[string][]IndexFile   // by project, or by project and version
	inflight map[string]chan struct{} // pages being read, by the same key
}

// What reading a project page may cost: the bytes read, the longest tag or
// JSON value held at once, and the files kept. A page is read as a stream
// and only the wheels asked for are kept (one version's, or, to resolve,
// those some target installs), so a page of any size costs about maxToken
// of memory plus the files kept; the largest pages on PyPI are a few MiB
// with a few dozen wheels per version.
const (
	maxPage     = 64 << 20
	maxToken    = 1 << 20
	maxPageKept = 50000
)

// files lists the wheels an index has of one version of a project.
func (ix *index) files(ctx context.Context, project, version string) ([]IndexFile, error) {
	name := marker.NormalizeName(project)
	return ix.cached(ctx, name+" "+version, name, func(w Wheel) bool { return sameVersion(w.Version, version) })
}

// project lists the wheels an index has of a project that keep accepts
// (those some target installs), every version: what resolving reads.
func (ix *index) project(ctx context.Context, project string, keep func(Wheel) bool) ([]IndexFile, error) {
	name := marker.NormalizeName(project)
	return ix.cached(ctx, name, name, keep)
}

// cached reads a project's page once per key; it is safe for concurrent
// use.
func (ix *index) cached(ctx context.Context, key, name string, keep func(Wheel) bool) ([]IndexFile, error) {
	for {
		ix.mu.Lock()
		if files, ok := ix.cache[key]; ok {
			ix.mu.Unlock()
			return files, nil
		}
		wait, reading := ix.inflight[key]
		if !reading {
			if ix.inflight == nil {
				ix.inflight = map[string]chan struct{}{}
			}
			wait = make(chan struct{})
			ix.inflight[key] = wait
		}
		ix.mu.Unlock()
		if reading {
			// Another caller reads this page: its answer, or its failure
			// (then this one tries), comes when it is done.
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		files, err := ix.read(ctx, name, func(file string) bool {
			w, err := ParseWheel(file)
			return err == nil && w.Name == name && keep(w)
		})
		ix.mu.Lock()
		delete(ix.inflight, key)
		if err == nil {
			if ix.cache == nil {
				ix.cache = map[string][]IndexFile{}
			}
			ix.cache[key] = files
		}
		ix.mu.Unlock()
		close(wait)
		return files, err
	}
}

// read reads a project's page as a stream, keeping the files keep accepts.
func (ix *index) read(ctx context.Context, name string, keep func(string) bool) ([]IndexFile, error) {
	page := strings.TrimRight(ix.url, "/") + "/" + name + "/"
	var files []IndexFile
	err := ix.web.retry(ctx, func() error {
		resp, err := ix.web.open(ctx, page, "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if err := statusError(resp, page); err != nil {
			return err
		}
		body := &capReader{r: resp.Body, left: maxPage}
		base := resp.Request.URL
		ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		if strings.Contains(ct, "json") {
			files, err = parseJSONPage(body, base, keep)
		} else {
			files, err = parseHTMLPage(body, base, keep)
		}
		var te *TimeoutError
		switch {
		case errors.As(err, &te):
			return err
		case body.over:
			return permanent(fmt.Errorf("%s is larger than %d MiB, more than any index page should be; check --index-url", page, maxPage>>20))
		case err != nil:
			return permanent(fmt.Errorf("%s: %w", page, err))
		}
		return nil
	})
	return files, err
}

// capReader reads up to left bytes and then fails, noting that it did.
type capReader struct {
	r    io.Reader
	left int64
	over bool
}

var errPageTooLarge = errors.New("the page is too large")

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		c.over = true
		return 0, errPageTooLarge
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// kept collects the files of a page that keep accepts, up to maxPageKept.
type kept struct {
	base  *url.URL
	keep  func(string) bool
	files []IndexFile
}

func (k *kept) add(name, href, hash string, info IndexFile) error {
	u, err := k.base.Parse(href)
	if err != nil {
		return nil
	}
	if hash == "" {
		if frag, ok := strings.CutPrefix(u.Fragment, "sha256="); ok {
			hash = "sha256:" + frag
		}
	}
	u.Fragment = ""
	if name == "" {
		name = u.Path[strings.LastIndex(u.Path, "/")+1:]
		if n, err := url.PathUnescape(name); err == nil {
			name = n
		}
	}
	if !k.keep(name) {
		return nil
	}
	if !uvlock.ValidHash(hash) {
		hash = "" // unknown: the file is hashed when it arrives
	}
	if len(k.files) == maxPageKept {
		return fmt.Errorf("it lists more than %d wheels", maxPageKept)
	}
	if !uvlock.ValidHash(info.MetadataHash) {
		info.MetadataHash = ""
	}
	info.Name, info.URL, info.Hash = name, u.String(), strings.ToLower(hash)
	info.MetadataHash = strings.ToLower(info.MetadataHash)
	k.files = append(k.files, info)
	return nil
}

// parseJSONPage reads a PEP 691 page one file at a time.
func parseJSONPage(r io.Reader, base *url.URL, keep func(string) bool) ([]IndexFile, error) {
	k := &kept{base: base, keep: keep}
	dec := json.NewDecoder(r)
	notPage := func(err error) error {
		if errors.Is(err, errPageTooLarge) {
			return err
		}
		var te *TimeoutError
		if errors.As(err, &te) {
			return err
		}
		return fmt.Errorf("not a PEP 691 project page: %v", err)
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		if err == nil {
			err = errors.New("it is not a JSON object")
		}
		return nil, notPage(err)
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, notPage(err)
		}
		if t != "files" {
			if err := skipValue(dec); err != nil {
				return nil, notPage(err)
			}
			continue
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			if err == nil {
				err = errors.New(`"files" is not a list`)
			}
			return nil, notPage(err)
		}
		for dec.More() {
			var f struct {
				Filename       string            `json:"filename"`
				URL            string            `json:"url"`
				Hashes         map[string]string `json:"hashes"`
				Size           int64             `json:"size"`
				RequiresPython *string           `json:"requires-python"`
				Yanked         any               `json:"yanked"`
				CoreMetadata   any               `json:"core-metadata"`
				DistInfo       any               `json:"data-dist-info-metadata"`
			}
			if err := dec.Decode(&f); err != nil {
				return nil, notPage(err)
			}
			h := ""
			if s := f.Hashes["sha256"]; s != "" {
				h = "sha256:" + s
			}
			info := IndexFile{Yanked: f.Yanked != nil && f.Yanked != false, Size: max(f.Size, 0)}
			if f.RequiresPython != nil {
				info.RequiresPython = *f.RequiresPython
			}
			meta := f.CoreMetadata
			if meta == nil {
				meta = f.DistInfo
			}
			switch m := meta.(type) {
			case bool:
				info.Metadata = m
			case map[string]any:
				info.Metadata = true
				if s, ok := m["sha256"].(string); ok {
					info.MetadataHash = "sha256:" + s
				}
			}
			if err := k.add(f.Filename, f.URL, h, info); err != nil {
				return nil, err
			}
		}
		if _, err := dec.Token(); err != nil {
			return nil, notPage(err)
		}
	}
	return k.files, nil
}

// skipValue reads past one JSON value without keeping it.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// parseHTMLPage reads a PEP 503 page one tag at a time.
func parseHTMLPage(r io.Reader, base *url.URL, keep func(string) bool) ([]IndexFile, error) {
	k := &kept{base: base, keep: keep}
	z := html.NewTokenizer(r)
	z.SetMaxBuf(maxToken)
	var href string
	var info IndexFile
	var text bytes.Buffer
	inAnchor := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			err := z.Err()
			if err == io.EOF {
				return k.files, nil
			}
			if errors.Is(err, html.ErrBufferExceeded) {
				return nil, fmt.Errorf("it has a tag or text longer than %d KiB", maxToken>>10)
			}
			return nil, err
		case html.StartTagToken:
			name, more := z.TagName()
			if string(name) != "a" {
				continue
			}
			inAnchor, href, info = true, "", IndexFile{}
			text.Reset()
			for more {
				var key, val []byte
				key, val, more = z.TagAttr()
				switch string(key) {
				case "href":
					href = string(val)
				case "data-requires-python":
					info.RequiresPython = string(val) // the tokenizer unescapes &lt; and &gt;
				case "data-yanked":
					info.Yanked = true
				case "data-core-metadata", "data-dist-info-metadata":
					if v := string(val); v != "false" {
						info.Metadata = true
						if strings.HasPrefix(v, "sha256=") {
							info.MetadataHash = "sha256:" + v[len("sha256="):]
						}
					}
				}
			}
		case html.TextToken:
			if inAnchor && text.Len() < 1024 {
				text.Write(z.Text())
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if string(name) != "a" || !inAnchor {
				continue
			}
			inAnchor = false
			if href == "" {
				continue
			}
			if err := k.add(strings.TrimSpace(text.String()), href, "", info); err != nil {
				return nil, err
			}
		}
	}
}
