package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dify-cli/dify/internal/filewatch"
	"github.com/dify-cli/dify/invoke"
	"github.com/dify-cli/dify/playground"
	"github.com/dify-cli/dify/runner"
)

type playgroundOptions struct {
	io     *Streams
	ctx    context.Context
	path   string
	port   int
	lang   string
	noOpen bool
	logs   bool
	launch launchFlags
}

func newPlaygroundCmd(s *Streams, runF func(*playgroundOptions) error) *cobra.Command {
	o := &playgroundOptions{io: s}
	cmd := &cobra.Command{
		Use:   "playground [DIR|PKG]",
		Short: "Try a plugin in the browser, with the forms Dify shows",
		Long: `Start the plugin (as dify plugin run does: the cached environment, --python and
--no-install honoured) and serve a page on 127.0.0.1 with a form for each of its
tools, agent strategies, datasources and trigger events, built from the
declarations: every parameter type, labels and help in the page's language (--lang,
or the list on the page), required marks and defaults, and the provider's
credentials. A file field takes a file from disk, given to the plugin as Dify gives
it: a file object whose URL the plugin downloads (here, from the playground). Run a
tool and its answer streams in as Dify shows it: text, JSON, links, images,
variables, logs, files to download, and the plugin's errors with their traceback.
Calls the plugin makes into Dify (a model, a tool, an app, storage) are answered
by the stand-in of dify plugin run and shown under the run that made them; in the
"Calls into Dify" view you write the reply the plugin gets instead.
Endpoints take a method, path, headers and body, and show the response raw and,
for HTML, rendered. LLMs get a chat with their parameter rules as controls; the
other models a view each: texts to embed, documents to rerank, text to speak (and
play), audio to transcribe, text to moderate.

The provider's credentials are checked by the plugin on request; each tool keeps a
history of its runs to run again, and a run can be saved as a pytest test in the
plugin's tests/ folder.

A plugin folder is watched: saving a file restarts the plugin, and the open page
reloads with its forms as they were (a plugin that fails to start says why on the
page until the next save).

The page answers only on the loopback address, to requests that carry the random
token in the address dify prints (and opens in the browser unless --no-open).
Credentials stay in the page and in memory unless you press Remember: then they are
kept in dify's cache folder (playground/, mode 0600), never in the plugin's folder. Stop with Ctrl-C.`,
		Example: `  dify plugin playground
  dify plugin playground ./weather --lang zh_Hans --port 8800 --no-open`,
		Args: maxArgs(1, "the plugin directory or package"),
		RunE: run(func(cmd *cobra.Command, args []string) error {
			o.ctx, o.path = cmd.Context(), "."
			if len(args) == 1 {
				o.path = args[0]
			}
			switch o.lang {
			case "en_US", "zh_Hans", "ja_JP", "pt_BR":
			default:
				return usagef("--lang is en_US, zh_Hans, ja_JP or pt_BR, not %q", o.lang)
			}
			return dispatch(o, runF, playgroundRun)
		}),
	}
	f := cmd.Flags()
	f.IntVar(&o.port, "port", 0, "the port to listen on, on 127.0.0.1 (0 picks a free one)")
	f.StringVar(&o.lang, "lang", "en_US", "the language of the plugin's labels: en_US, zh_Hans, ja_JP or pt_BR")
	f.BoolVar(&o.noOpen, "no-open", false, "print the address without opening a browser")
	f.BoolVarP(&o.logs, "enable-logs", "l", false, "show the plugin's logs and stderr on stderr")
	o.launch.env.register(f)
	f.DurationVar(&o.launch.readyTimeout, "ready-timeout", runner.DefaultReadyTimeout, "how long the plugin may take to start")
	addMaxSizeFlag(f, &o.launch.maxSizeMB)
	completeValues(cmd, "lang", []string{"en_US", "zh_Hans", "ja_JP", "pt_BR"})
	completePluginArg(cmd)
	return cmd
}

func playgroundRun(o *playgroundOptions) error {
	s := o.io
	ctx, stop := withInterrupts(o.ctx)
	defer stop()
	logs := newLogSink(s.Err, o.logs)
	defer logs.close()
	dify := playground.NewDify(nil)
	o.launch.dify = dify
	l, err := launch(ctx, s, o.path, o.launch, logs)
	if err != nil {
		return err
	}
	dify.SetFallback(runner.NewMock(l.Decl.Manifest.Grant()))
	defer func() {
		if l != nil {
			l.Close()
			warnLeftovers(s, l.Plugin)
		}
	}()
	po := playground.Options{Plugin: l.Decl, Lang: o.lang, Invoke: invoker(l), Dify: dify}
	if cache, err := s.cacheDir(); err == nil {
		m := l.Decl.Manifest
		po.Credentials = filepath.Join(cache, "playground", safeFileName(m.Author+"-"+m.Name)+".credentials.json")
	}
	if st, err := os.Stat(o.path); err == nil && st.IsDir() {
		po.Dir = o.path
	}
	srv, err := playground.New(po)
	if err != nil {
		return err
	}
	ln, page, err := srv.Listen(o.port)
	if err != nil {
		return fmt.Errorf("listening on 127.0.0.1:%d: %w", o.port, err)
	}
	// Answers stream for as long as a call runs (bounded by the call), so
	// only the request line and headers have a deadline.
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 30 * time.Second}
	defer hs.Close()
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	fmt.Fprintf(s.Out, "%s\n", page)
	// A folder is watched: a change restarts the plugin, and the page
	// reloads with its forms as they were.
	changed := make(chan []string)
	watching := false
	if st, err := os.Stat(o.path); err == nil && st.IsDir() {
		watching = true
		go filewatch.Watch(ctx, o.path, changed)
	}
	fmt.Fprintln(s.Err, "The playground is at the address above (its token keeps other pages out). Ctrl-C stops it.")
	if watching {
		fmt.Fprintln(s.Err, "Saving a file of the plugin restarts it; the page keeps what its forms hold.")
	}
	if !o.noOpen {
		openBrowser(s, page)
	}
	for {
		var exited <-chan struct{}
		if l != nil {
			exited = l.Plugin.Exited()
		}
		select {
		case <-ctx.Done():
			return nil // stopped by Ctrl-C or a signal
		case err := <-served:
			return err
		case <-exited:
			err := fmt.Errorf("the plugin exited: %v", l.Plugin.Err())
			if !watching {
				return err
			}
			fmt.Fprintf(s.Err, "%v; save a file to start it again\n", err)
			l.Close()
			l = nil
			srv.Swap(nil, nil, err)
		case files := <-changed:
			fmt.Fprintf(s.Err, "changed: %s; restarting the plugin\n", strings.Join(files, ", "))
			if l != nil {
				l.Close()
				warnLeftovers(s, l.Plugin)
			}
			l, err = launch(ctx, s, o.path, o.launch, logs)
			if err != nil {
				l = nil
				fmt.Fprintf(s.Err, "the plugin did not restart: %v\n", err)
				srv.Swap(nil, nil, err)
				continue
			}
			srv.Swap(l.Decl, invoker(l), nil)
		}
	}
}

// invoker sends the playground's calls to a launched plugin.
func invoker(l *runner.Launched) playground.Invoker {
	return func(ctx context.Context, call invoke.Call) (playground.Chunks, error) {
		st, err := l.Invoke(ctx, runner.Request{Type: call.Type, Action: call.Action, Body: call.Body})
		if err != nil {
			return nil, err
		}
		return humanChunks{st}, nil
	}
}

// safeFileName keeps letters, digits, '-', '_' and '.' of a name.
func safeFileName(s string) string {
	out := []rune(s)
	for i, r := range out {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			out[i] = '_'
		}
	}
	return string(out)
}

// humanChunks turns the plugin's errors into what people read.
type humanChunks struct{ st *runner.Stream }

func (h humanChunks) Next(ctx context.Context) (json.RawMessage, error) {
	c, err := h.st.Next(ctx)
	var pe *runner.PluginError
	if errors.As(err, &pe) {
		return nil, errors.New(runner.HumanError(pe.Error()))
	}
	return c, err
}

// openBrowser opens the page with the desktop's opener, when there is one;
// the address is printed either way.
func openBrowser(s *Streams, page string) {
	opener := map[string]string{"darwin": "open", "windows": "explorer"}[runtime.GOOS]
	if opener == "" {
		opener = "xdg-open"
	}
	path, err := s.factory().LookPath(opener)
	if err != nil {
		return
	}
	cmd := exec.Command(path, page)
	if cmd.Start() == nil {
		go cmd.Wait()
	}
}
