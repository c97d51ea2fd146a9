package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/dify-cli/dify/depfile"
	"github.com/dify-cli/dify/runner"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

type runOptions struct {
	io           *Streams
	ctx          context.Context
	path         string
	mode         string
	format       string
	logs         bool
	host         string
	port         int
	readyTimeout time.Duration
	env          envFlags
	maxSizeMB    int64
}

func newRunCmd(s *Streams, runF func(*runOptions) error) *cobra.Command {
	o := &runOptions{io: s}
	cmd := &cobra.Command{
		Use:   "run [DIR|PKG]",
		Short: "Run a plugin locally and talk to it over stdin and stdout, or TCP",
		Long: `Run a plugin on this machine, as the Dify daemon would, and answer its
requests from stdin (or from TCP clients): one JSON request per line,
  {"invoke_id":"1","type":"tool","action":"invoke_tool","request":{...}}
with the answers streamed back. --response-format json prints exactly the
lines of the official tool, which the SDK's test harness (PluginRunner)
reads; text is for people. "dify plugin invoke" is the easier way to call
one tool or model by hand.

DIR runs in place; a .difypkg is extracted to a temporary directory. The
Python environment is built once per interpreter and dependency files (with
uv when it is installed, else venv and pip) and kept in the user cache
directory; --refresh builds it again. Calls the plugin makes into Dify are
answered by a stand-in: canned model and tool answers, and a working
in-memory storage, checked against the manifest's permissions.

The run ends at the end of stdin (after the requests in flight) or on
SIGINT/SIGTERM, with the plugin and everything it started stopped.

Environment: UV_PATH (uv to use), PYTHON_INTERPRETER_PATH (Python to use),
HTTP(S)_PROXY, PIP_INDEX_URL and UV_INDEX_URL (passed to the installers),
DIFY_CACHE_DIR (instead of the user cache directory).`,
		Example: `  dify plugin run . -r json
  echo '{"invoke_id":"1","type":"tool","action":"invoke_tool","request":{"provider":"p","tool":"t","credentials":{},"tool_parameters":{}}}' | dify plugin run .
  dify plugin run my_plugin.difypkg -m tcp --port 5005`,
		Args: maxArgs(1, "one plugin directory or package"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			o.ctx, o.path = cmd.Context(), targetArg(args)
			return dispatch(o, runF, runRun)
		}),
	}
	f := cmd.Flags()
	f.StringVarP(&o.mode, "mode", "m", "stdio", "where requests come from: stdio or tcp")
	f.StringVarP(&o.format, "response-format", "r", "text", "how answers are printed: text or json")
	f.BoolVarP(&o.logs, "enable-logs", "l", false, "show the plugin's logs and stderr on stderr")
	f.StringVar(&o.host, "host", "127.0.0.1", "the address to listen on in tcp mode")
	f.IntVar(&o.port, "port", 0, "the port to listen on in tcp mode (0 picks a free one)")
	f.DurationVar(&o.readyTimeout, "ready-timeout", runner.DefaultReadyTimeout, "how long the plugin may take to start, after its environment is ready")
	o.env.register(f)
	addMaxSizeFlag(f, &o.maxSizeMB)
	completeValues(cmd, "mode", []string{"stdio", "tcp"})
	completeValues(cmd, "response-format", []string{"text", "json"})
	completePluginArg(cmd)
	return cmd
}

func runRun(o *runOptions) error {
	s := o.io
	format, err := runner.ParseFormat(o.format)
	if err != nil {
		return usagef("--response-format: %v", err)
	}
	if o.mode != "stdio" && o.mode != "tcp" {
		return usagef("invalid run mode %q: use stdio or tcp", o.mode)
	}
	if o.port < 0 || o.port > 65535 {
		return usagef("--port %d is out of range", o.port)
	}
	if o.mode == "tcp" && (o.host == "" || o.host == "0.0.0.0" || o.host == "::") {
		s.warnf("--host %q listens on every network interface: anyone who can reach this machine can call the plugin (and its credentials); use 127.0.0.1 unless that is what you want", o.host)
	}

	ctx, stop := withInterrupts(o.ctx)
	defer stop()
	system := func(r runner.GenericResponse) {
		if format == runner.JSON {
			s.Out.Write(runner.Encode(runner.JSON, r, ""))
		}
	}
	fail := func(err error) error {
		system(runner.Failure(err))
		return err
	}
	system(runner.Info("loading plugin", nil))

	logs := newLogSink(s.Err, o.logs)
	defer logs.close()
	l, err := launch(ctx, s, o.path, launchFlags{env: o.env, maxSizeMB: o.maxSizeMB, readyTimeout: o.readyTimeout}, logs)
	if err != nil {
		return fail(err)
	}
	defer l.Close()

	// The run ends when the plugin does, too: the server stops reading, and
	// the requests in flight end with the plugin's exit.
	server := &runner.Server{Plugin: l.Plugin, Format: format, Notify: func(m string) { s.warnf("%s", m) }}
	if o.mode == "stdio" {
		err = server.Serve(ctx, s.In, s.Out)
	} else {
		err = serveTCP(ctx, s, server, o.host, o.port, system)
	}
	var perr error
	select {
	case <-l.Exited():
		perr = l.Plugin.Err()
	default:
	}
	l.Close()
	warnLeftovers(s, l.Plugin)
	if perr != nil {
		return fail(perr)
	}
	if ctx.Err() != nil {
		// SIGINT or SIGTERM is how a run server is meant to end.
		return nil
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return fail(err)
	}
	return nil
}

// warnLeftovers names the processes the plugin started that outlived it
// and hold its output: they were out of its reach (a session of their own).
func warnLeftovers(s *Streams, p *runner.Plugin) {
	for _, left := range p.Leftovers() {
		s.warnf("%s, started by the plugin in a session of its own, is still running and was not stopped; end it with: kill %d", left, left.Pid)
	}
}

func serveTCP(ctx context.Context, s *Streams, server *runner.Server, host string, port int, system func(runner.GenericResponse)) error {
	ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return err
	}
	addr := ln.Addr().(*net.TCPAddr)
	where := net.JoinHostPort(addr.IP.String(), strconv.Itoa(addr.Port))
	system(runner.Info("plugin is running on "+where, map[string]any{"host": addr.IP.String(), "port": addr.Port}))
	if server.Format == runner.Text {
		fmt.Fprintf(s.Out, "Listening on %s: each connection writes one JSON request per line.\n", where)
	}
	return server.ServeTCP(ctx, ln)
}

// launchFlags are the flags run and invoke share.
type launchFlags struct {
	env          envFlags
	maxSizeMB    int64
	readyTimeout time.Duration
	// dify answers the plugin's calls into Dify (not a flag: the
	// playground's stand-in); nil for run's.
	dify runner.Dify
}

// launch prepares and starts the plugin at path.
func launch(ctx context.Context, s *Streams, path string, f launchFlags, logs *logSink) (*runner.Launched, error) {
	setup, err := f.env.setup(s)
	if err != nil {
		return nil, err
	}
	l, err := runner.Launch(ctx, runner.LaunchOptions{
		Path:         path,
		MaxSize:      maxSizeBytes(f.maxSizeMB),
		Setup:        setup,
		ReadyTimeout: f.readyTimeout,
		Log:          logs.add,
		Dify:         f.dify,
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		return nil, err
	}
	for _, n := range l.Notes {
		fmt.Fprintf(s.Err, "note: %s\n", n)
	}
	return l, nil
}

// envFlags are how run, invoke and debug prepare a plugin's Python.
type envFlags struct {
	python    string
	refresh   bool
	noInstall bool
	deps      string
}

func (e *envFlags) register(f *pflag.FlagSet) {
	f.StringVar(&e.python, "python", "", "the Python to use: a venv's interpreter runs in that venv as it is; another builds a cached environment from it (default: $PYTHON_INTERPRETER_PATH, else Python 3.12, as Dify's daemon uses)")
	f.BoolVar(&e.refresh, "refresh", false, "build the Python environment again")
	f.BoolVar(&e.noInstall, "no-install", false, "install nothing and never use the network: use the venv given, the project's .venv or a cached environment")
	f.StringVar(&e.deps, "deps", "", "the dependency file to install from: requirements.txt or pyproject.toml (default: the daemon's choice)")
}

// setup says how the plugin's Python is prepared: the flags, then the
// environment (PYTHON_INTERPRETER_PATH, and the daemon's PIP_MIRROR_URL and
// PLUGIN_IGNORE_UV_LOCK, which change the dependency file it uses).
func (e *envFlags) setup(s *Streams) (runner.Setup, error) {
	cache, err := s.cacheDir()
	if err != nil {
		return runner.Setup{}, err
	}
	var progress io.Writer
	if s.ErrTerminal {
		progress = s.Err
	}
	python := e.python
	if python == "" {
		python = s.getenv("PYTHON_INTERPRETER_PATH")
	}
	var prefer string
	switch e.deps {
	case "":
	case depfile.Requirements, "requirements":
		prefer = depfile.Requirements
	case depfile.Pyproject, "pyproject":
		prefer = depfile.Pyproject
	default:
		return runner.Setup{}, usagef("--deps is requirements.txt or pyproject.toml, not %q", e.deps)
	}
	return runner.Setup{
		LookPath:    s.factory().LookPath,
		CacheDir:    filepath.Join(cache, "envs"),
		UV:          findUV(s),
		Interpreter: python,
		Refresh:     e.refresh,
		NoInstall:   e.noInstall,
		Progress:    progress,
		Env:         s.environ(),
		DepFile:     depfile.Settings{Mirror: s.getenv("PIP_MIRROR_URL") != "", IgnoreLock: s.getenv("PLUGIN_IGNORE_UV_LOCK") != "", Prefer: prefer},
	}, nil
}

func errNoCacheDir(err error) error {
	return fmt.Errorf("no cache directory (set DIFY_CACHE_DIR): %w", err)
}

// logSink shows the plugin's logs on stderr when asked to (-l), and the
// first stray stdout line always. It never blocks the plugin: when stderr
// is a pipe nobody reads, lines are dropped rather than queued forever.
type logSink struct {
	all     bool
	lines   chan string
	done    chan struct{}
	dropped atomic.Int64
	warned  atomic.Bool
	w       io.Writer
}

func newLogSink(w io.Writer, all bool) *logSink {
	l := &logSink{all: all, lines: make(chan string, 1024), done: make(chan struct{}), w: w}
	go func() {
		defer close(l.done)
		for line := range l.lines {
			io.WriteString(w, line)
		}
	}()
	return l
}

func (l *logSink) add(x runner.Log) {
	var line string
	switch {
	case x.Source == "stdout" && x.Level == "WARNING":
		if l.warned.Swap(true) && !l.all {
			return
		}
		line = "warning: " + x.Text + "\n"
	case !l.all:
		return
	case x.Source == "log":
		line = fmt.Sprintf("plugin %s: %s\n", x.Level, x.Text)
	default:
		line = fmt.Sprintf("plugin %s: %s\n", x.Source, x.Text)
	}
	select {
	case l.lines <- line:
	default:
		l.dropped.Add(1)
	}
}

// close writes what is queued, unless stderr is stuck.
func (l *logSink) close() {
	close(l.lines)
	select {
	case <-l.done:
	case <-time.After(time.Second):
	}
}
