package cli

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Factory makes what run functions reach outside the process for: HTTP
// requests, the clock, the cache directory and the programs dify starts
// (uv, Python). Run functions ask it instead of calling http.DefaultClient,
// time.Now, os.UserCacheDir or exec.LookPath, so that a test gives a
// loopback client, a fixed clock and a temporary cache (as cli/cli's
// cmdutil.Factory does).
type Factory struct {
	HTTPClient func() *http.Client
	Now        func() time.Time
	// UserCacheDir is the user's cache directory (os.UserCacheDir);
	// DIFY_CACHE_DIR is read before it.
	UserCacheDir func() (string, error)
	LookPath     func(string) (string, error)
}

// SystemFactory is the real one.
func SystemFactory() *Factory {
	return &Factory{
		HTTPClient:   func() *http.Client { return nil }, // each capability's default, with its timeouts
		Now:          time.Now,
		UserCacheDir: os.UserCacheDir,
		LookPath:     exec.LookPath,
	}
}

// factory is the streams' Factory, the system's when none was given.
func (s *Streams) factory() *Factory {
	if s.Factory == nil {
		s.Factory = SystemFactory()
	}
	return s.Factory
}

// now is the Factory's clock.
func (s *Streams) now() time.Time { return s.factory().Now() }

// cacheDir is where dify keeps what it can rebuild: $DIFY_CACHE_DIR, else
// dify in the user cache directory.
func (s *Streams) cacheDir() (string, error) {
	if d := s.getenv("DIFY_CACHE_DIR"); d != "" {
		return filepath.Abs(d)
	}
	d, err := s.factory().UserCacheDir()
	if err != nil {
		return "", errNoCacheDir(err)
	}
	return filepath.Join(d, "dify"), nil
}
