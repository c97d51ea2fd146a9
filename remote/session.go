package remote

import (
	"context"
	"errors"
	"fmt"
	"github.com/dify-cli/dify/internal/filewatch"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dify-cli/dify/runner"
)

// ReconnectWait is how long the daemon takes to let go of a plugin that
// disconnected: a new connection sooner finds the old one still there
// ("no available node").
const ReconnectWait = 6 * time.Second

// Options say how to run a plugin for debugging.
type Options struct {
	Dir          string
	Config       Config
	runner.Setup // the Python environment, as for `plugin run`

	Watch         bool          // restart when a file the package would contain changes
	ReconnectWait time.Duration // between a stop and the next start; ReconnectWait when zero, none when negative
	// Out and Err receive the plugin's output lines (its logs go to stdout
	// in remote mode).
	Out, Err io.Writer
	// Notify receives what the session does and why, for people.
	Notify func(string)
	// Started, when set, is told each time a plugin process starts.
	Started func(pid int)
}

// Run starts the plugin in remote mode with the connection settings and
// keeps it running: until ctx ends, or, without Watch, until the plugin
// exits (an error, with the end of its stderr). With Watch, a change to
// the plugin's files restarts it, after the daemon's reconnection window.
func Run(ctx context.Context, o Options) error {
	notify := o.Notify
	if notify == nil {
		notify = func(string) {}
	}
	wait := o.ReconnectWait
	if wait == 0 {
		wait = ReconnectWait
	}
	changed := make(chan []string)
	if o.Watch {
		watchCtx, stop := context.WithCancel(ctx)
		defer stop()
		go filewatch.Watch(watchCtx, o.Dir, changed)
	}

	var lastStop time.Time
	retries := 0
	for {
		if !lastStop.IsZero() && wait > 0 {
			if left := wait - time.Since(lastStop); left > 0 {
				notify(fmt.Sprintf("waiting %s for Dify to let go of the previous connection", left.Round(100*time.Millisecond)))
				select {
				case <-time.After(left):
				case <-ctx.Done():
					return ctx.Err()
				}
			}
		}
		proc, err := start(ctx, o, notify)
		if err != nil {
			if !o.Watch || ctx.Err() != nil {
				return err
			}
			notify(err.Error() + "; waiting for a change")
		} else {
			if o.Started != nil {
				o.Started(proc.Pid())
			}
			started := time.Now()
			select {
			case <-ctx.Done():
				proc.Stop()
				return ctx.Err()
			case files := <-changed:
				notify(fmt.Sprintf("%s changed: restarting", describe(files)))
				proc.Stop()
				lastStop, retries = time.Now(), 0
				continue
			case <-proc.Exited():
				lastStop = time.Now()
				why := exitReport(proc)
				if !o.Watch {
					return errors.New(why)
				}
				if time.Since(started) < 2*wait && retries < 3 {
					retries++
					notify(why + "; trying again")
					continue
				}
				notify(why + "; waiting for a change")
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case files := <-changed:
			notify(fmt.Sprintf("%s changed: starting again", describe(files)))
			retries = 0
		}
	}
}

// start prepares the environment (cached after the first time) and starts
// the plugin connected to Dify.
func start(ctx context.Context, o Options, notify func(string)) (*runner.Process, error) {
	decl, env, err := runner.Prepare(ctx, o.Dir, o.Dir, o.Setup)
	if err != nil {
		return nil, err
	}
	for _, n := range env.Notes {
		notify(n)
	}
	c := o.Config
	var explained sync.Once
	watchLine := func(line []byte) {
		// The SDK reports the daemon's refusal as a parse error of the reply.
		if text := string(line); strings.Contains(text, "handshake failed") || strings.Contains(text, "cannot initialize") ||
			strings.Contains(text, "register failed") {
			explained.Do(func() { notify("Dify refused the plugin: " + Explain(text, c)) })
		}
	}
	proc, err := runner.StartProcess(runner.ProcessOptions{
		Dir: o.Dir, Python: env.Python, Entrypoint: decl.Manifest.Meta.Runner.Entrypoint,
		Env: runner.Environment(o.Env, env.Python,
			"INSTALL_METHOD=remote",
			"REMOTE_INSTALL_URL="+c.Address(),
			"REMOTE_INSTALL_HOST="+c.Host,
			"REMOTE_INSTALL_PORT="+strconv.Itoa(c.Port),
			"REMOTE_INSTALL_KEY="+c.Key),
		Stdout: func(line []byte, dropped int64) { writeLine(o.Out, line, dropped); watchLine(line) },
		Stderr: func(line []byte, dropped int64) { writeLine(o.Err, line, dropped); watchLine(line) },
	})
	if err != nil {
		env.Release()
		return nil, err
	}
	go func() {
		<-proc.Exited()
		env.Release()
	}()
	return proc, nil
}

// writeLine passes a line of the plugin on; a line cut at the limit says
// how much of it was dropped.
func writeLine(w io.Writer, line []byte, dropped int64) {
	if w == nil {
		return
	}
	if dropped > 0 {
		line = fmt.Appendf(line, "... (%d more bytes)", dropped)
	}
	w.Write(append(line, '\n'))
}

func exitReport(p *runner.Process) string {
	msg := fmt.Sprintf("the plugin exited (%s)", p.ExitErr())
	if lines := p.StderrLines(10); len(lines) > 0 {
		msg += "; its stderr ends with:\n  " + strings.Join(lines, "\n  ")
	}
	return msg
}

func describe(files []string) string {
	if len(files) > 3 {
		return strings.Join(files[:3], ", ") + fmt.Sprintf(" and %d more", len(files)-3)
	}
	return strings.Join(files, ", ")
}
