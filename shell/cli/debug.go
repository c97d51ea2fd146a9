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

	"github.com/dify-cli/dify/internal/capped"
	"github.com/dify-cli/dify/remote"
	"github.com/spf13/cobra"
)

type debugOptions struct {
	io            *Streams
	ctx           context.Context
	dir           string
	url           string
	key           string
	keyFile       string
	check         bool
	noCheck       bool
	watch         bool
	writeEnv      bool
	env           envFlags
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

The address and key come from --url and --key (or --key-file, which keeps the
key out of the shell's history), else the environment, else the plugin's .env;
REMOTE_INSTALL_URL and the older REMOTE_INSTALL_HOST and REMOTE_INSTALL_PORT are
both read. --write-env saves them in .env once Dify has taken them.

Before starting the plugin, dify checks that the host resolves, that the port
takes a connection and that Dify takes the key, and explains a failure (an
expired key, another workspace, remote debugging turned off). --check does only
that; --no-check skips it.

The plugin runs in the same cached environment as "dify plugin run". --watch
restarts it when a file that would be packaged changes, waiting for Dify to let
go of the previous connection. Ctrl-C stops it.`,
		Example: `  dify plugin debug --url debug-plugin.dify.dev:5003 --key 0a1b2c3d-... --write-env
  dify plugin debug --watch
  dify plugin debug --check
  pbpaste | dify plugin debug --url debug-plugin.dify.dev:5003 --key-file - --write-env`,
		Args: maxArgs(1, "one plugin directory"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			o.ctx, o.dir = cmd.Context(), targetArg(args)
			return dispatch(o, runF, debugRun)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&o.url, "url", "", "the debugging address, host:port, as Plugins → Debug shows it")
	f.StringVar(&o.key, "key", "", "the debugging key, as Plugins → Debug shows it")
	f.StringVar(&o.keyFile, "key-file", "", "read the key from this file, or - for standard input")
	f.BoolVar(&o.check, "check", false, "only check the address and the key; exit 0 when Dify takes them")
	f.BoolVar(&o.noCheck, "no-check", false, "start the plugin without checking the address and the key")
	f.BoolVar(&o.watch, "watch", false, "restart the plugin when one of its files changes")
	f.BoolVar(&o.writeEnv, "write-env", false, "save the address and key in the plugin's .env, once Dify takes them")
	o.env.register(f)
	f.DurationVar(&o.reconnectWait, "reconnect-wait", remote.ReconnectWait, "with --watch: how long Dify needs to let go of a stopped plugin")
	return cmd
}

func debugRun(o *debugOptions) error {
	s := o.io
	if o.check && o.noCheck {
		return usagef("--check and --no-check do not go together")
	}
	if o.key != "" && o.keyFile != "" {
		return usagef("give the key with --key or --key-file, not both")
	}
	if st, err := os.Stat(o.dir); err != nil || !st.IsDir() {
		return fmt.Errorf("%s is not a plugin directory", o.dir)
	}
	envPath := filepath.Join(o.dir, ".env")
	src := remote.Sources{URL: o.url, Key: o.key, Getenv: s.getenv, DotEnvAt: envPath}
	if o.keyFile != "" {
		key, err := readDebugKey(s, o.keyFile)
		if err != nil {
			return err
		}
		src.Key, src.KeyFlag = key, "--key-file"
	}
	if data, err := capped.ReadFile(os.DirFS(o.dir), ".env", 1<<20); err == nil {
		src.DotEnv = remote.ParseDotEnv(data)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	c, err := remote.Resolve(src)
	if err != nil {
		return &usageError{err}
	}
	fmt.Fprintf(s.Err, "Dify at %s (%s), key %s (%s)\n", c.Address(), c.AddressFrom, c.MaskedKey(), c.KeyFrom)

	ctx, stop := withInterrupts(o.ctx)
	defer stop()
	if !o.noCheck {
		failed := false
		for _, step := range remote.Check(ctx, c, remote.CheckOptions{}) {
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
			if o.writeEnv {
				fmt.Fprintf(s.Err, "%s was not changed: Dify did not take these settings\n", envPath)
			}
			return &silentError{code: exitFailure}
		}
	}
	if o.writeEnv {
		if err := remote.WriteEnv(envPath, remote.EnvValues(c)); err != nil {
			return err
		}
		unchecked := ""
		if o.noCheck {
			unchecked = " (not checked: --no-check)"
		}
		fmt.Fprintf(s.Err, "saved the address and key in %s%s\n", envPath, unchecked)
		for _, w := range remote.Exposure(o.dir) {
			s.warnf("%s", w)
		}
	}
	if o.check {
		return nil
	}

	setup, err := o.env.setup(s)
	if err != nil {
		return err
	}
	if o.watch {
		fmt.Fprintln(s.Err, "watching the plugin's files; Ctrl-C to stop")
	}
	err = remote.Run(ctx, remote.Options{
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

// readDebugKey reads the key from a file, or from standard input for "-":
// its first line, trimmed.
func readDebugKey(s *Streams, name string) (string, error) {
	var data []byte
	var err error
	if name == "-" {
		data, err = capped.Read("standard input", s.In, 64<<10)
	} else {
		data, err = readKeyFile("key file", name)
	}
	if err != nil {
		return "", fmt.Errorf("--key-file: %w", err)
	}
	key, _, _ := strings.Cut(strings.TrimSpace(string(data)), "\n")
	key = strings.TrimSpace(key)
	if key == "" {
		return "", usagef("--key-file %s is empty: it should hold the key Plugins → Debug shows", name)
	}
	return key, nil
}
