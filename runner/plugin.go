// Package runner starts a plugin's Python process and speaks the daemon's
// protocol with it (plugin-run.md): requests in, streamed answers out, and
// the plugin's calls back into Dify answered by a stand-in for Dify. It also
// serves the front end of `dify plugin run` (frontend.go), line for line
// what the official tool prints, and the requests `dify plugin invoke`
// builds.
package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/dify-cli/dify/manifest"
)

// DefaultReadyTimeout is how long a plugin may take to send its first
// heartbeat, as in the daemon (MAX_HEARTBEAT_INTERVAL).
const DefaultReadyTimeout = 120 * time.Second

// stopGrace is how long a stopping plugin gets after SIGTERM before SIGKILL.
const stopGrace = 3 * time.Second

// Options say how to start a plugin.
type Options struct {
	Dir        string   // the plugin's files; the process runs here
	Python     string   // the interpreter of its environment
	Entrypoint string   // the module to run: meta.runner.entrypoint
	Env        []string // the environment; INSTALL_METHOD is forced to local
	// Manifest gives the permissions and storage size that calls back into
	// Dify are checked against, and the plugin's id.
	Manifest *manifest.Manifest
	// ReadyTimeout bounds the wait for the first heartbeat;
	// DefaultReadyTimeout when zero.
	ReadyTimeout time.Duration
	// Dify answers the plugin's calls into Dify; NewMock's when nil.
	Dify Dify
	// Log receives what the plugin logs, writes to stderr, or prints to
	// stdout outside the protocol. It must not block. Nil drops it.
	Log func(Log)
}

// Log is one line the plugin wrote outside its answers.
type Log struct {
	Source string // "log" (a log event), "error" (an error event), "stderr", "stdout"
	Level  string // for "log": INFO, WARNING, ...
	Text   string
}

// Plugin is a running plugin process that speaks the protocol on its
// stdin and stdout.
type Plugin struct {
	opts  Options
	proc  *Process
	dify  Dify
	grant manifest.Grant
	id    string // author/name

	// ctx ends when the process does; calls into Dify run under it.
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	sessions map[string]*session

	ready     chan struct{}
	readyOnce sync.Once
	exited    chan struct{} // closed once the requests in flight are ended
	strayOnce sync.Once
}

type session struct {
	id       string
	from     string // the request's type: what the daemon calls invoke_from
	userID   string
	tenantID string
	stream   *Stream
}

// Start launches the plugin and waits until it is ready: its first
// heartbeat. A plugin that exits or stays silent before that is an error
// carrying the end of its stderr.
func Start(ctx context.Context, o Options) (*Plugin, error) {
	if o.ReadyTimeout <= 0 {
		o.ReadyTimeout = DefaultReadyTimeout
	}
	if o.Entrypoint == "" {
		o.Entrypoint = "main"
	}
	p := &Plugin{
		opts:     o,
		dify:     o.Dify,
		sessions: map[string]*session{},
		ready:    make(chan struct{}),
		exited:   make(chan struct{}),
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	if o.Manifest != nil {
		p.grant = o.Manifest.Grant()
		p.id = o.Manifest.Author + "/" + o.Manifest.Name
	}
	if p.dify == nil {
		p.dify = NewMock(p.grant)
	}
	proc, err := StartProcess(ProcessOptions{
		Dir: o.Dir, Python: o.Python, Entrypoint: o.Entrypoint,
		Env:    Environment(o.Env, o.Python, "INSTALL_METHOD=local"),
		Stdin:  true,
		Stdout: p.handle,
		Stderr: func(line []byte, dropped int64) {
			text := string(line)
			if len(text) > 4096 {
				dropped += int64(len(text) - 4096)
				text = text[:4096]
			}
			if dropped > 0 {
				text += fmt.Sprintf("... (%d more bytes)", dropped)
			}
			p.log(Log{Source: "stderr", Text: text})
		},
	})
	if err != nil {
		p.cancel()
		return nil, err
	}
	p.proc = proc
	go p.wait()

	timer := time.NewTimer(o.ReadyTimeout)
	defer timer.Stop()
	select {
	case <-p.ready:
		return p, nil
	case <-p.exited:
		return nil, &StartError{Reason: fmt.Sprintf("the plugin exited before it was ready (%s)", p.proc.ExitErr()), Stderr: p.proc.StderrLines(20), Dir: o.Dir, Entrypoint: o.Entrypoint,
			Problems: problems(o.Dir)}
	case <-timer.C:
		p.Stop()
		return nil, &StartError{Reason: fmt.Sprintf("the plugin sent no heartbeat within %s of starting", o.ReadyTimeout), Stderr: p.proc.StderrLines(20), Dir: o.Dir, Entrypoint: o.Entrypoint, Silent: true}
	case <-ctx.Done():
		p.Stop()
		return nil, ctx.Err()
	}
}

// StartError is a plugin that did not become ready.
type StartError struct {
	Reason     string
	Stderr     []string // its last lines
	Dir        string
	Entrypoint string
	Silent     bool     // no heartbeat, rather than an exit
	Problems   []string // what dify plugin validate finds wrong, the likely cause
}

// maxProblems bounds the validator's errors a start error shows.
const maxProblems = 5

// problems are the errors dify plugin validate finds in the plugin's
// declarations: the SDK refuses most of them at start, with a traceback
// that names neither the file nor the line.
func problems(dir string) []string {
	var out []string
	for _, d := range manifest.Check(os.DirFS(dir)) {
		if d.Severity == manifest.Error && len(out) < maxProblems {
			out = append(out, d.String())
		}
	}
	return out
}

func (e *StartError) Error() string {
	var b strings.Builder
	b.WriteString(e.Reason)
	if len(e.Stderr) > 0 {
		b.WriteString("; its stderr ends with:")
		for _, l := range e.Stderr {
			b.WriteString("\n  " + l)
		}
	} else {
		b.WriteString("; it wrote nothing to stderr")
	}
	if hint := e.hint(); hint != "" {
		b.WriteString("\n" + hint)
	}
	if len(e.Problems) > 0 {
		b.WriteString("\ndify plugin validate finds what is likely the cause:")
		for _, p := range e.Problems {
			b.WriteString("\n  " + strings.ReplaceAll(p, "\n", "\n  "))
		}
	}
	return b.String()
}

func (e *StartError) hint() string {
	text := strings.Join(e.Stderr, "\n")
	switch {
	case strings.Contains(text, "No module named 'dify_plugin'"):
		return "dify_plugin is not installed: list it in requirements.txt (or pyproject.toml); the environment is rebuilt when that file changes."
	case strings.Contains(text, "No module named '"+e.Entrypoint+"'") || strings.Contains(text, "No module named "+e.Entrypoint):
		return fmt.Sprintf("There is no module %q in %s: meta.runner.entrypoint in manifest.yaml names the file to start (without .py).", e.Entrypoint, e.Dir)
	case e.Silent:
		return "A plugin sends its first heartbeat when Plugin(...).run() starts; check that the entrypoint calls it under `if __name__ == \"__main__\":`."
	}
	return ""
}

// Exited is closed when the plugin process has ended.
func (p *Plugin) Exited() <-chan struct{} { return p.exited }

// Err says why the plugin ended: nil after Stop, otherwise its exit with
// the end of its stderr. Valid once Exited is closed.
func (p *Plugin) Err() error {
	<-p.exited
	if p.proc.Stopped() {
		return nil
	}
	msg := fmt.Sprintf("the plugin exited (%s)", p.proc.ExitErr())
	if lines := p.proc.StderrLines(20); len(lines) > 0 {
		msg += "; its stderr ends with:\n  " + strings.Join(lines, "\n  ")
	}
	return errors.New(msg)
}

// Stop ends the plugin and every process it started: SIGTERM to its
// process group, SIGKILL after a grace period. Requests in flight end with
// ErrPluginExited.
func (p *Plugin) Stop() error {
	p.proc.Stop()
	<-p.exited
	return nil
}

// Pid is the plugin process's id (its process group's, where there are
// groups).
func (p *Plugin) Pid() int { return p.proc.Pid() }

// wait ends every request in flight once the process has gone.
func (p *Plugin) wait() {
	<-p.proc.Exited()
	p.cancel()
	p.mu.Lock()
	sessions := p.sessions
	p.sessions = map[string]*session{}
	p.mu.Unlock()
	for _, s := range sessions {
		s.stream.finish(fmt.Errorf("%w (%s) before it finished the request", ErrPluginExited, p.proc.ExitErr()))
	}
	close(p.exited)
}

// Request is one call of the plugin, as the daemon makes it.
type Request struct {
	Type   string         // tool, model, endpoint, agent_strategy, ...
	Action string         // invoke_tool, invoke_llm, ...
	Body   map[string]any // the action's fields
	// UserID and TenantID say who calls; random when empty.
	UserID, TenantID string
}

// Invoke sends a request; the answer streams back.
func (p *Plugin) Invoke(ctx context.Context, r Request) (*Stream, error) {
	select {
	case <-p.exited:
		return nil, fmt.Errorf("%w (%s)", ErrPluginExited, p.proc.ExitErr())
	default:
	}
	if r.UserID == "" {
		r.UserID = NewID()
	}
	if r.TenantID == "" {
		r.TenantID = NewID()
	}
	// The daemon's request data: user_id, type and action, then every key
	// of the request, which wins on a collision.
	data := make(map[string]any, len(r.Body)+3)
	data["user_id"], data["type"], data["action"] = r.UserID, r.Type, r.Action
	for k, v := range r.Body {
		data[k] = v
	}
	s := &session{id: NewID(), from: r.Type, userID: r.UserID, tenantID: r.TenantID, stream: newStream()}
	p.mu.Lock()
	p.sessions[s.id] = s
	p.mu.Unlock()
	if err := p.send(inMessage{SessionID: s.id, Event: inRequest, Data: data}); err != nil {
		p.drop(s.id)
		return nil, errors.Join(err, errors.New("failed to write request"))
	}
	stop := context.AfterFunc(ctx, func() {
		if s.stream.finish(ctx.Err()) {
			p.drop(s.id)
		}
	})
	go func() {
		// Let the AfterFunc go once the request is over.
		s.stream.waitEnd()
		stop()
	}()
	return s.stream, nil
}

func (p *Plugin) send(m inMessage) error {
	line, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return p.proc.Write(line)
}

func (p *Plugin) session(id string) *session {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sessions[id]
}

func (p *Plugin) drop(id string) {
	p.mu.Lock()
	delete(p.sessions, id)
	p.mu.Unlock()
}

func (p *Plugin) log(l Log) {
	if p.opts.Log != nil {
		p.opts.Log(l)
	}
}

// Leftovers are the processes the plugin started that outlived it and
// were not stopped (see Process.Leftovers). Valid once Exited is closed.
func (p *Plugin) Leftovers() []Leftover { return p.proc.Leftovers() }
