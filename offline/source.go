package offline

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/dify-cli/dify/internal/lazyregexp"
)

// Packages people repackage come from the Dify Marketplace or a GitHub
// release more often than from a folder: a source names one of those, and
// Download fetches it with the limits wheels have (timeouts, redirect
// checks, a size cap), so that it can be packaged again like a local
// .difypkg.

// Source is a package somewhere else.
type Source struct {
	URL  string // where it is downloaded from
	Name string // the file name it is kept under: AUTHOR-NAME_VERSION.difypkg for the marketplace
}

var (
	marketplaceRe = lazyregexp.New(`^marketplace:([a-z0-9_-]{1,64})/([a-z0-9_-]{1,128})@([0-9A-Za-z.+_-]{1,64})$`)
	// what a downloaded package may be called on disk
	safeNameRe = lazyregexp.New(`^[A-Za-z0-9][A-Za-z0-9._+-]{0,200}$`)
)

// ParseSource reads marketplace:AUTHOR/NAME@VERSION (from the marketplace
// at base) or an http(s) URL of a package, such as a GitHub release asset.
// ok is false for anything else (a path on disk).
func ParseSource(s, base string) (src Source, ok bool, err error) {
	switch {
	case strings.HasPrefix(s, "marketplace:"):
		m := marketplaceRe().FindStringSubmatch(s)
		if m == nil {
			return Source{}, true, fmt.Errorf("%q is not marketplace:AUTHOR/NAME@VERSION (for example marketplace:langgenius/openai@0.2.7)", s)
		}
		u := fmt.Sprintf("%s/api/v1/plugins/%s/%s/%s/download", strings.TrimRight(base, "/"), m[1], m[2], m[3])
		if _, err := checkURL(u); err != nil {
			return Source{}, true, fmt.Errorf("--marketplace-url: %w", err)
		}
		return Source{URL: u, Name: fmt.Sprintf("%s-%s_%s.difypkg", m[1], m[2], m[3])}, true, nil
	case strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://"):
		u, err := checkURL(s)
		if err != nil {
			return Source{}, true, err
		}
		name, _ := url.PathUnescape(path.Base(u.Path))
		if !strings.HasSuffix(name, ".difypkg") || !safeNameRe().MatchString(name) {
			name = "downloaded.difypkg"
		}
		return Source{URL: u.String(), Name: name}, true, nil
	}
	return Source{}, false, nil
}

// zipMagic starts every zip file, and so every package.
var zipMagic = []byte("PK\x03\x04")

// Download fetches a package into dir under src.Name, reading at most max
// bytes, and checks that what came is a zip file (a server's error page is
// not). It returns the file's path.
func Download(ctx context.Context, src Source, dir string, max int64, o Options) (string, error) {
	w := o.web()
	dest := filepath.Join(dir, src.Name)
	err := w.retry(ctx, func() error {
		resp, err := w.open(ctx, src.URL, "application/octet-stream, */*;q=0.5")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if err := statusError(resp, src.URL); err != nil {
			return err
		}
		if resp.ContentLength > max {
			return permanent(fmt.Errorf("%s is %d bytes, more than the %d MiB a package may be (--max-size)", src.URL, resp.ContentLength, max>>20))
		}
		tmp, err := os.CreateTemp(dir, ".download-*")
		if err != nil {
			return permanent(err)
		}
		defer os.Remove(tmp.Name())
		n, err := io.Copy(tmp, io.LimitReader(resp.Body, max+1))
		if err != nil {
			tmp.Close()
			return err
		}
		if err := tmp.Close(); err != nil {
			return permanent(err)
		}
		if n > max {
			return permanent(fmt.Errorf("%s is more than the %d MiB a package may be (--max-size)", src.URL, max>>20))
		}
		head := make([]byte, 4)
		f, err := os.Open(tmp.Name())
		if err != nil {
			return permanent(err)
		}
		io.ReadFull(f, head)
		f.Close()
		if !bytes.Equal(head, zipMagic) {
			what := resp.Header.Get("Content-Type")
			if what == "" {
				what = "no content type"
			}
			return permanent(fmt.Errorf("%s did not send a plugin package (%s, %d bytes): check the name and version, or open the address in a browser", src.URL, what, n))
		}
		if err := os.Rename(tmp.Name(), dest); err != nil {
			return permanent(err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return dest, nil
}
