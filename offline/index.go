package offline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/dify-cli/dify/internal/lazyregexp"
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
}

// index reads a simple repository (PEP 503 HTML or PEP 691 JSON).
type index struct {
	url    string
	client *http.Client
	cache  map[string][]IndexFile
}

// maxPage bounds a project page; the largest on PyPI are a few MiB.
const maxPage = 64 << 20

// files lists the files of a project.
func (ix *index) files(ctx context.Context, project string) ([]IndexFile, error) {
	name := marker.NormalizeName(project)
	if files, ok := ix.cache[name]; ok {
		return files, nil
	}
	page := strings.TrimRight(ix.url, "/") + "/" + name + "/"
	var files []IndexFile
	err := retry(ctx, func() error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, page, nil)
		if err != nil {
			return permanent(err)
		}
		req.Header.Set("Accept", "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01")
		resp, err := ix.client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if err := statusError(resp, page); err != nil {
			return err
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxPage+1))
		if err != nil {
			return err
		}
		if len(body) > maxPage {
			return permanent(fmt.Errorf("%s is larger than %d MiB", page, maxPage>>20))
		}
		base, _ := url.Parse(resp.Request.URL.String())
		ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		if strings.Contains(ct, "json") {
			files, err = parseJSONPage(body, base)
		} else {
			files, err = parseHTMLPage(body, base)
		}
		if err != nil {
			return permanent(fmt.Errorf("%s: %w", page, err))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if ix.cache == nil {
		ix.cache = map[string][]IndexFile{}
	}
	ix.cache[name] = files
	return files, nil
}

func parseJSONPage(body []byte, base *url.URL) ([]IndexFile, error) {
	var page struct {
		Files []struct {
			Filename string            `json:"filename"`
			URL      string            `json:"url"`
			Hashes   map[string]string `json:"hashes"`
		} `json:"files"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return nil, fmt.Errorf("not a PEP 691 project page: %v", err)
	}
	var out []IndexFile
	for _, f := range page.Files {
		u, err := base.Parse(f.URL)
		if err != nil {
			continue
		}
		h := ""
		if s := f.Hashes["sha256"]; s != "" {
			h = "sha256:" + strings.ToLower(s)
		}
		out = append(out, IndexFile{Name: f.Filename, URL: u.String(), Hash: h})
	}
	return out, nil
}

var anchorRe = lazyregexp.New(`(?is)<a\s[^>]*?href\s*=\s*["']([^"']*)["'][^>]*>(.*?)</a>`)

func parseHTMLPage(body []byte, base *url.URL) ([]IndexFile, error) {
	var out []IndexFile
	for _, m := range anchorRe().FindAllSubmatch(body, -1) {
		href := html.UnescapeString(string(m[1]))
		u, err := base.Parse(href)
		if err != nil {
			continue
		}
		h := ""
		if frag := u.Fragment; strings.HasPrefix(frag, "sha256=") {
			h = "sha256:" + strings.ToLower(strings.TrimPrefix(frag, "sha256="))
		}
		u.Fragment = ""
		name := strings.TrimSpace(html.UnescapeString(string(m[2])))
		if name == "" {
			name = u.Path[strings.LastIndex(u.Path, "/")+1:]
		}
		out = append(out, IndexFile{Name: name, URL: u.String(), Hash: h})
	}
	return out, nil
}

// permanentError is a failure that trying again does not fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

func permanent(err error) error { return &permanentError{err} }

func statusError(resp *http.Response, what string) error {
	switch {
	case resp.StatusCode == http.StatusOK:
		return nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return fmt.Errorf("%s: %s", what, resp.Status)
	}
	return permanent(fmt.Errorf("%s: %s", what, resp.Status))
}

// retry runs f until it succeeds, fails permanently, or has failed four
// times, waiting a little longer each time: mirrors and CDNs drop
// connections now and then. A refused connection or an unknown host is not
// tried again: waiting seconds does not change those.
func retry(ctx context.Context, f func() error) error {
	wait := 500 * time.Millisecond
	var err error
	for attempt := 1; ; attempt++ {
		err = f()
		var p *permanentError
		var dns *net.DNSError
		if err == nil || errors.As(err, &p) || errors.Is(err, syscall.ECONNREFUSED) || errors.As(err, &dns) && dns.IsNotFound ||
			attempt == 4 || ctx.Err() != nil {
			break
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
		wait *= 2
	}
	var p *permanentError
	if errors.As(err, &p) {
		return p.err
	}
	return err
}
