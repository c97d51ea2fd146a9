package cli

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/dify-cli/dify/depfile"
	"github.com/dify-cli/dify/internal/atomicfile"
	"github.com/dify-cli/dify/internal/capped"
	"github.com/dify-cli/dify/manifest"
	"github.com/dify-cli/dify/pack"
	"github.com/dify-cli/dify/sign"
)

// What several commands share: opening a plugin, its flags, reading keys,
// reporting a generated requirements.txt, writing small files.

// targetArg is the optional plugin argument of a command, "." by default.
func targetArg(args []string) string {
	if len(args) > 0 {
		return args[0]
	}
	return "."
}

// pluginFlags are the flags of every command that reads a plugin directory
// or package: they shape the plan it reads through.
type pluginFlags struct {
	maxSizeMB     int64
	externalLinks bool
	allowSecrets  bool
}

// register adds the flags to cmd; links only matters for directories.
func (f *pluginFlags) register(cmd *cobra.Command, links bool) {
	addMaxSizeFlag(cmd.Flags(), &f.maxSizeMB)
	if links {
		addExternalLinksFlag(cmd.Flags(), &f.externalLinks)
	}
}

// open makes the plan of a plugin directory or package, with a
// requirements.txt generated from uv.lock as packaging would, and reports
// that on stderr.
func (f *pluginFlags) open(s *Streams, path string) (*pack.Plan, error) {
	plan, err := pack.Open(path, pack.PlanOptions{MaxSize: maxSizeBytes(f.maxSizeMB), AllowExternalLinks: f.externalLinks, AllowSecrets: f.allowSecrets})
	if err != nil {
		return nil, err
	}
	for _, w := range plan.Warnings {
		s.warnf("%s", w)
	}
	reportGenerated(s, path, plan.Generated)
	return plan, nil
}

// pluginTarget is what the commands that read one plugin share: its path (a
// directory or a package), --json, and the flags of its plan.
type pluginTarget struct {
	io     *Streams
	path   string
	json   bool
	plugin pluginFlags
}

// register adds --json (described by jsonHelp) and the plan flags.
func (t *pluginTarget) register(cmd *cobra.Command, jsonHelp string) {
	cmd.Flags().BoolVar(&t.json, "json", false, jsonHelp)
	t.plugin.register(cmd, true)
}

// newPluginTargetCmd completes cmd as a command that reads one plugin,
// named by its argument (required when one, else "." by default), and
// runs o through dispatch.
func newPluginTargetCmd[O any](cmd *cobra.Command, o *O, t *pluginTarget, required bool, jsonHelp string, runF, work func(*O) error) *cobra.Command {
	cmd.Args = maxArgs(1, "one plugin directory or package")
	if required {
		cmd.Args = exactArgs(1, "a plugin directory or .difypkg file")
	}
	cmd.RunE = run(func(_ *cobra.Command, args []string) error {
		t.path = targetArg(args)
		return dispatch(o, runF, work)
	})
	t.register(cmd, jsonHelp)
	completePluginArg(cmd)
	return cmd
}

// load opens the plan, refusing what cannot be packaged, and loads the
// manifest, which must exist and parse (its findings go to stderr).
func (t *pluginTarget) load() (*pack.Plan, *manifest.Plugin, error) {
	plan, err := t.openPackable()
	if err != nil {
		return nil, nil, err
	}
	p, err := loadManifest(t.io, plan, t.path)
	if err != nil {
		plan.Close()
		return nil, nil, err
	}
	return plan, p, nil
}

// loadManifest loads the declarations of the plugin at path, which must
// have a manifest.yaml that parses; otherwise its findings go to stderr.
func loadManifest(s *Streams, plan *pack.Plan, path string) (*manifest.Plugin, error) {
	var size *pack.SizeError
	if err := plan.Err(); errors.As(err, &size) {
		// Nothing can be read; the size, not the manifest, is the problem.
		return nil, err
	}
	p, ds := manifest.Load(plan)
	if p == nil {
		for _, d := range ds {
			fmt.Fprintln(s.Err, d)
		}
		return nil, fmt.Errorf("%s is not a plugin: manifest.yaml must exist and be valid YAML", path)
	}
	return p, nil
}

// loadProject loads the plugin project in dir, to edit it.
func loadProject(s *Streams, dir string) (*manifest.Plugin, error) {
	plan, err := pack.OpenDir(dir, pack.PlanOptions{})
	if err != nil {
		return nil, err
	}
	return loadManifest(s, plan, dir)
}

// open makes the plan of the plugin; openPackable also refuses what cannot
// be packaged (Plan.Err), for commands that read the files.
func (t *pluginTarget) open() (*pack.Plan, error) { return t.plugin.open(t.io, t.path) }

func (t *pluginTarget) openPackable() (*pack.Plan, error) {
	plan, err := t.open()
	if err != nil {
		return nil, err
	}
	if err := plan.Err(); err != nil {
		plan.Close()
		return nil, err
	}
	return plan, nil
}

func addAllowSecretsFlag(f *pflag.FlagSet, allow *bool) {
	f.BoolVar(allow, "allow-secrets", false, "let .env files, private keys and API tokens in the plugin's files through, with a warning")
}

func addMaxSizeFlag(f *pflag.FlagSet, mb *int64) {
	f.Int64Var(mb, "max-size", 50, "limit on the uncompressed size, in MiB, as the daemon's PLUGIN_MAX_PACKAGE_SIZE (values ≤ 0 mean 50)")
}

func addExternalLinksFlag(f *pflag.FlagSet, allow *bool) {
	f.BoolVar(allow, "allow-external-links", false, "package what symbolic links pointing out of the plugin lead to (refused by default)")
}

func maxSizeBytes(mb int64) int64 {
	if mb <= 0 {
		return pack.DefaultMaxSize
	}
	return mb << 20
}

// findUV is uv as the daemon finds it: $UV_PATH, else uv on PATH; "" when
// there is none, and environments are made with venv and pip.
func findUV(s *Streams) string {
	if p := s.getenv("UV_PATH"); p != "" {
		return p
	}
	if p, err := s.factory().LookPath("uv"); err == nil {
		return p
	}
	return ""
}

// uvPath is the uv executable --uv runs: the one findUV finds, else "uv",
// so that running it says uv is missing.
func uvPath(s *Streams) string {
	if p := findUV(s); p != "" {
		return p
	}
	return "uv"
}

// reportGenerated tells the user about a requirements.txt made from uv.lock.
func reportGenerated(s *Streams, dir string, g *pack.GeneratedRequirements) {
	if g == nil {
		return
	}
	by := "from " + depfile.Lock
	if g.By != depfile.Lock {
		by = "by " + g.By + " export"
	}
	fmt.Fprintf(s.Err, "note: %s has no %s; generated one %s (%d package%s), added to the package only\n",
		dir, depfile.Requirements, by, g.Lines, plural(g.Lines))
}

// maxKeyFile bounds a key file: an RSA-4096 PEM key is about 3 KB.
const maxKeyFile = 64 << 10

// readKeyFile reads a key file, refusing what cannot be one (a FIFO, a
// directory, a large file) before reading it.
func readKeyFile(what, p string) ([]byte, error) {
	st, err := os.Stat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s %s does not exist", what, p)
		}
		return nil, fmt.Errorf("cannot read %s: %w", what, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s %s is not a regular file", what, p)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", what, err)
	}
	defer f.Close()
	data, err := capped.Read(p, f, maxKeyFile)
	if err != nil {
		return nil, fmt.Errorf("%s %s is not a key: %w", what, p, err)
	}
	return data, nil
}

func readPrivateKey(p string) (*rsa.PrivateKey, error) {
	data, err := readKeyFile("private key", p)
	if err != nil {
		return nil, err
	}
	k, err := sign.ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return k, nil
}

// publicKeys reads the keys to verify with, and names them for output; no
// paths means the official Dify key.
func publicKeys(paths []string) ([]*rsa.PublicKey, []string, error) {
	if len(paths) == 0 {
		return []*rsa.PublicKey{sign.OfficialKey()}, []string{"official Dify key"}, nil
	}
	var keys []*rsa.PublicKey
	for _, p := range paths {
		data, err := readKeyFile("public key", p)
		if err != nil {
			return nil, nil, err
		}
		k, err := sign.ParsePublicKey(data)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", p, err)
		}
		keys = append(keys, k)
	}
	return keys, paths, nil
}

// writeFile writes a small file atomically.
func writeFile(name string, perm os.FileMode, data []byte) error {
	return atomicfile.Write(name, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// cancelWriter fails writes once its context is done, so that a long
// write stops at the next chunk.
type cancelWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c cancelWriter) Write(p []byte) (int, error) {
	if err := context.Cause(c.ctx); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// dispatch runs a command's work: the test's runF when one is given, which
// sees the options the flags filled, else the command's own run function.
func dispatch[O any](o *O, runF, run func(*O) error) error {
	if runF != nil {
		return runF(o)
	}
	return run(o)
}
