package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dify-cli/dify/debug"
	"github.com/dify-cli/dify/internal/capped"
	"github.com/dify-cli/dify/pack"
	"github.com/spf13/cobra"
)

type debugOptions struct {
	io            *Streams
	dir           string
	url           string
	key           string
	check         bool
	watch         bool
	writeEnv      bool
	python        string
	refresh       bool
	reconnectWait time.Duration
}

func newDebugCmd(s *Streams, runF func(*debugOptions) error) *cobra.Command {
	o := &debugOptions{io: s}
	cmd := &cobra.Command{
		Use:   "debug [DIR]",
		Short: "Connect the plugin to a Dify instance for remote debugging",
		Long: `Run the plugin on this machine connected to a Dify instance, where it shows
up as a debugging plugin of your workspace (Plugins → Debug in Dify shows the
address and the key).

The address and key come from --url and --key, else the environment, else the
plugin's .env; REMOTE_INSTALL_URL and the older REMOTE_INSTALL_HOST and
REMOTE_INSTALL_PORT are both read. --write-env saves them in .env.

Before starting the plugin, dify checks that the host resolves, that the port
takes a connection and that Dify takes the key, and explains a failure (an
expired key, another workspace, remote debugging turned off). --check does only
that.

The plugin runs in the same cached environment as "dify plugin run". --watch
restarts it when a file that would be packaged changes, waiting for Dify to let
go of the previous connection. Ctrl-C stops it.`,
		Example: `  dify plugin debug --url debug-plugin.dify.dev:5003 --key 0a1b2c3d-... --write-env
  dify plugin debug --watch
  dify plugin debug --check`,
		Args: maxArgs(1, "one plugin directory"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			o.dir = targetArg(args)
			return dispatch(o, runF, debugRun)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&o.url, "url", "", "the debugging address, host:port, as Plugins → Debug shows it")
	f.StringVar(&o.key, "key", "", "the debugging key, as Plugins → Debug shows it")
	f.BoolVar(&o.check, "check", false, "only check the address and the key; exit 0 when Dify takes them")
	f.BoolVar(&o.watch, "watch", false, "restart the plugin when one of its files changes")
	f.BoolVar(&o.writeEnv, "write-env", false, "save the address and key in the plugin's .env")
	f.StringVar(&o.python, "python", "", "the Python interpreter to build the environment from")
	f.BoolVar(&o.refresh, "refresh", false, "build the Python environment again")
	f.DurationVar(&o.reconnectWait, "reconnect-wait", debug.ReconnectWait, "with --watch: how long Dify needs to let go of a stopped plugin")
	return cmd
}

func debugRun(o *debugOptions) error {
	s := o.io
	if st, err := os.Stat(o.dir); err != nil || !st.IsDir() {
		return fmt.Errorf("%s is not a plugin directory", o.dir)
	}
	envPath := filepath.Join(o.dir, ".env")
	src := debug.Sources{URL: o.url, Key: o.key, Getenv: s.getenv, DotEnvAt: envPath}
	if data, err := capped.ReadFile(os.DirFS(o.dir), ".env", 1<<20); err == nil {
		src.DotEnv = debug.ParseDotEnv(data)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	c, err := debug.Resolve(src)
	if err != nil {
		return &usageError{err}
	}
	fmt.Fprintf(s.Err, "Dify at %s (%s), key %s (%s)\n", c.Address(), c.AddressFrom, c.MaskedKey(), c.KeyFrom)

	if o.writeEnv {
		if err := debug.WriteEnv(envPath, debug.EnvValues(c)); err != nil {
			return err
		}
		fmt.Fprintf(s.Err, "saved the address and key in %s\n", envPath)
		warnIfShipped(s, o.dir)
	}

	ctx, stop := withInterrupts(context.Background())
	defer stop()
	failed := false
	for _, step := range debug.Check(ctx, c, debug.CheckOptions{}) {
		mark := "ok"
		if !step.OK {
			mark, failed = "FAILED", true
		}
		fmt.Fprintf(s.Err, "%-7s %s: %s\n", mark, step.Name, step.Detail)
		if step.Hint != "" {
			fmt.Fprintf(s.Err, "        %s\n", step.Hint)
		}
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	if failed {
		return &silentError{code: exitFailure}
	}
	if o.check {
		return nil
	}

	setup, err := pythonSetup(s, o.python, o.refresh)
	if err != nil {
		return err
	}
	if o.watch {
		fmt.Fprintln(s.Err, "watching the plugin's files; Ctrl-C to stop")
	}
	err = debug.Run(ctx, debug.Options{
		Dir: o.dir, Config: c, Setup: setup,
		Watch: o.watch, ReconnectWait: o.reconnectWait,
		Out: s.Out, Err: s.Err,
		Notify: func(msg string) { fmt.Fprintln(s.Err, "dify: "+msg) },
	})
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return err
}

// warnIfShipped warns when .env, which now holds a key, would go into a
// package or a git repository.
func warnIfShipped(s *Streams, dir string) {
	if plan, err := pack.OpenDir(dir, pack.PlanOptions{MaxSize: 1 << 40}); err == nil {
		if plan.Has(".env") {
			s.warnf("%s does not leave out .env: the debugging key would be packaged; add the line .env to it", pack.DifyIgnore)
		}
		plan.Close()
	}
	data, err := os.ReadFile(filepath.Join(dir, ".gitignore"))
	if err == nil && !strings.Contains("\n"+string(data), "\n.env") {
		s.warnf(".gitignore does not leave out .env: the debugging key could be committed; add the line .env to it")
	}
}
