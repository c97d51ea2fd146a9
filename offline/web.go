package offline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"syscall"
	"time"
)

// Timeouts bound every request, so that a server that stops answering
// fails the build with its URL instead of hanging it.
type Timeouts struct {
	Connect time.Duration // to connect (and finish TLS); 30 s when zero
	Header  time.Duration // from sending a request to its response's headers; 60 s when zero
	Idle    time.Duration // the longest wait for the next bytes of a body; 60 s when zero
}

func (t Timeouts) withDefaults() Timeouts {
	if t.Connect <= 0 {
		t.Connect = 30 * time.Second
	}
	if t.Header <= 0 {
		t.Header = 60 * time.Second
	}
	if t.Idle <= 0 {
		t.Idle = 60 * time.Second
	}
	return t
}

// maxRedirects is how many redirects a request follows, as browsers and
// pip do.
const maxRedirects = 10

// TimeoutError is a server that stopped answering.
type TimeoutError struct {
	URL  string
	What string // "no response" or "no data"
	Wait time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("%s: %s for %s: the server stopped answering (try again later, or use another mirror with --index-url)", e.URL, e.What, e.Wait)
}

// web makes the requests of one build: every URL checked before it is
// asked for, every wait bounded, redirects followed only so far and named
// when they leave the host.
type web struct {
	client   http.Client
	timeouts Timeouts
	backoff  time.Duration
	warn     func(string)

	mu     sync.Mutex
	warned map[string]bool
}

func (o *Options) web() *web {
	w := &web{timeouts: o.Timeouts.withDefaults(), backoff: o.Backoff, warn: o.Warn, warned: map[string]bool{}}
	if o.Client != nil {
		w.client = *o.Client
	} else {
		w.client = http.Client{Transport: &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{Timeout: w.timeouts.Connect, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout: w.timeouts.Connect,
			IdleConnTimeout:     90 * time.Second,
			MaxIdleConnsPerHost: 8,
			ForceAttemptHTTP2:   true,
		}}
	}
	if w.backoff <= 0 {
		w.backoff = 500 * time.Millisecond
	}
	w.client.CheckRedirect = w.checkRedirect
	return w
}

// checkURL refuses what is not an http or https URL: a lock or an index
// page could name file: or javascript: links.
func checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, permanent(fmt.Errorf("%q is not a URL: %v", raw, err))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, permanent(fmt.Errorf("%s: only http and https links are followed, not %s: links", u.Redacted(), u.Scheme))
	}
	if u.Host == "" {
		return nil, permanent(fmt.Errorf("%s has no host", u.Redacted()))
	}
	return u, nil
}

func (w *web) checkRedirect(req *http.Request, via []*http.Request) error {
	first, prev := via[0].URL, via[len(via)-1].URL
	if len(via) >= maxRedirects {
		return redirectf("%s redirected %d times, the last time from %s to %s: a redirect loop on the server", first.Redacted(), len(via), prev.Host, req.URL.Host)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return redirectf("%s redirected to %s: only http and https links are followed", first.Redacted(), req.URL.Redacted())
	}
	if prev.Scheme == "https" && req.URL.Scheme == "http" {
		return redirectf("%s redirected from https to plain http (%s); refusing to download over an unencrypted connection", first.Redacted(), req.URL.Redacted())
	}
	if req.URL.Host != first.Host && w.warn != nil {
		key := first.Host + " " + req.URL.Host
		w.mu.Lock()
		seen := w.warned[key]
		w.warned[key] = true
		w.mu.Unlock()
		if !seen {
			w.warn(fmt.Sprintf("%s redirects to another host, %s (for example %s); the files are still checked against their sha256", first.Host, req.URL.Host, req.URL.Redacted()))
		}
	}
	return nil
}

// open sends a GET and returns the response, whose body fails with a
// *TimeoutError when no bytes come for the idle timeout. The caller closes
// the body.
func (w *web) open(ctx context.Context, raw, accept string) (*http.Response, error) {
	return w.openFrom(ctx, raw, accept, 0)
}

// openFrom is open asking for the bytes from offset on (a Range request)
// when offset > 0: the answer is 206 when the server resumes, 200 when it
// sends the whole file again.
func (w *web) openFrom(ctx context.Context, raw, accept string, offset int64) (*http.Response, error) {
	u, err := checkURL(raw)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	headers := time.AfterFunc(w.timeouts.Header, func() {
		cancel(&TimeoutError{URL: u.Redacted(), What: "no response", Wait: w.timeouts.Header})
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		headers.Stop()
		cancel(nil)
		return nil, permanent(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if offset > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", offset))
	}
	resp, err := w.client.Do(req)
	headers.Stop()
	if err != nil {
		cause := context.Cause(ctx)
		cancel(nil)
		var te *TimeoutError
		if errors.As(cause, &te) {
			return nil, te
		}
		var re *redirectError
		if errors.As(err, &re) {
			return nil, permanent(re)
		}
		return nil, err
	}
	body := &watchedBody{rc: resp.Body, ctx: ctx, cancel: cancel}
	body.timer = time.AfterFunc(w.timeouts.Idle, func() {
		cancel(&TimeoutError{URL: u.Redacted(), What: "no data", Wait: w.timeouts.Idle})
	})
	body.idle = w.timeouts.Idle
	resp.Body = body
	return resp, nil
}

// redirectError is a redirect refused; trying again does not change it.
type redirectError struct{ msg string }

func (e *redirectError) Error() string { return e.msg }

func redirectf(format string, args ...any) error {
	return &redirectError{fmt.Sprintf(format, args...)}
}

// watchedBody is a response body that ends in a *TimeoutError when the
// server stops sending.
type watchedBody struct {
	rc     io.ReadCloser
	ctx    context.Context
	cancel context.CancelCauseFunc
	timer  *time.Timer
	idle   time.Duration
}

func (b *watchedBody) Read(p []byte) (int, error) {
	b.timer.Reset(b.idle)
	n, err := b.rc.Read(p)
	if err != nil && err != io.EOF {
		var te *TimeoutError
		if cause := context.Cause(b.ctx); errors.As(cause, &te) {
			return n, te
		}
	}
	return n, err
}

func (b *watchedBody) Close() error {
	b.timer.Stop()
	err := b.rc.Close()
	b.cancel(nil)
	return err
}

// retry runs f until it succeeds, fails permanently, or has failed four
// times, waiting a little longer each time: mirrors and CDNs drop
// connections now and then. A refused connection or an unknown host is not
// tried again: waiting seconds does not change those.
func (w *web) retry(ctx context.Context, f func() error) error {
	wait := w.backoff
	var err error
	for attempt := 1; ; attempt++ {
		err = f()
		var p *permanentError
		var dns *net.DNSError
		if err == nil || errors.As(err, &p) || errors.Is(err, syscall.ECONNREFUSED) || errors.As(err, &dns) && dns.IsNotFound ||
			attempt == 4 || ctx.Err() != nil {
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
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
	case resp.StatusCode == http.StatusNotFound:
		return permanent(&NotFoundError{URL: what, Status: resp.Status})
	}
	return permanent(fmt.Errorf("%s: %s", what, resp.Status))
}

// NotFoundError is a 404: for an index page, the project is not there.
type NotFoundError struct{ URL, Status string }

func (e *NotFoundError) Error() string { return e.URL + ": " + e.Status }
