package runner

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dify-cli/dify/internal/tail"
)

// ProcessOptions say how to start a plugin's Python process.
type ProcessOptions struct {
	Dir        string   // the plugin's files; the process runs here
	Python     string   // the interpreter of its environment
	Entrypoint string   // the module to run: meta.runner.entrypoint
	Env        []string // the environment, INSTALL_METHOD included
	// Stdin gives the process a pipe to write to; without it, stdin is
	// empty.
	Stdin bool
	// Stdout and Stderr receive each line the process writes, without its
	// end, and how many bytes of it were dropped: stdout lines are cut at
	// MaxPluginLine, stderr lines at 16 KiB. Stderr lines are also kept for
	// error messages.
	Stdout, Stderr func(line []byte, dropped int64)
}

// Process is a running plugin process and everything it started: it runs
// in a process group of its own, which Stop ends as a whole.
type Process struct {
	cmd        *exec.Cmd
	stdin      *os.File
	stderr     *tail.Buffer
	writeMu    sync.Mutex
	stdoutDone chan struct{}
	stderrDone chan struct{}
	exited     chan struct{}
	exitErr    error // set before exited closes
	stopping   atomic.Bool
	stopOnce   sync.Once
	hurry      chan struct{} // closed when Stop's grace period is over
	hurryOnce  sync.Once
	leftovers  []Leftover // set before exited closes
}

// Leftover is a process the plugin started that outlived it: one in a
// session of its own, out of the plugin's process group, still holding the
// plugin's output open.
type Leftover struct {
	Pid     int
	Command string
}

func (l Leftover) String() string {
	if l.Command == "" {
		return fmt.Sprintf("process %d", l.Pid)
	}
	return fmt.Sprintf("process %d (%s)", l.Pid, l.Command)
}

// StartProcess starts `python -m entrypoint` in the plugin's directory.
func StartProcess(o ProcessOptions) (*Process, error) {
	if o.Entrypoint == "" {
		o.Entrypoint = "main"
	}
	p := &Process{stderr: &tail.Buffer{Max: 16 << 10}, stdoutDone: make(chan struct{}), stderrDone: make(chan struct{}),
		exited: make(chan struct{}), hurry: make(chan struct{})}
	cmd := exec.Command(o.Python, "-m", o.Entrypoint)
	cmd.Dir = o.Dir
	cmd.Env = o.Env
	setProcessGroup(cmd)
	var parentEnds, childEnds []*os.File
	if o.Stdin {
		r, w, err := os.Pipe()
		if err != nil {
			return nil, err
		}
		cmd.Stdin, p.stdin = r, w
		childEnds, parentEnds = append(childEnds, r), append(parentEnds, w)
	}
	stdoutR, stdoutW, err := os.Pipe()
	if err != nil {
		closeAll(append(parentEnds, childEnds...)...)
		return nil, err
	}
	stderrR, stderrW, err := os.Pipe()
	if err != nil {
		closeAll(append(parentEnds, append(childEnds, stdoutR, stdoutW)...)...)
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = stdoutW, stderrW
	childEnds = append(childEnds, stdoutW, stderrW)
	if err := cmd.Start(); err != nil {
		closeAll(append(parentEnds, append(childEnds, stdoutR, stderrR)...)...)
		return nil, fmt.Errorf("starting the plugin: %w", err)
	}
	// The child holds its ends now; ours would keep the pipes open forever.
	closeAll(childEnds...)
	p.cmd = cmd

	go p.readStderr(stderrR, o.Stderr)
	go p.readStdout(stdoutR, o.Stdout)
	go p.wait(stdoutR, stderrR)
	return p, nil
}

// Write sends one line to the process's stdin.
func (p *Process) Write(line []byte) error {
	if p.stdin == nil {
		return errors.New("the process has no stdin")
	}
	p.writeMu.Lock()
	defer p.writeMu.Unlock()
	_, err := p.stdin.Write(append(line, '\n'))
	return err
}

// Exited is closed when the process has ended.
func (p *Process) Exited() <-chan struct{} { return p.exited }

// ExitErr is how the process ended (never nil: "exit status 0" for a clean
// exit). Valid once Exited is closed.
func (p *Process) ExitErr() error {
	<-p.exited
	return p.exitErr
}

// Stopped reports whether Stop ended the process.
func (p *Process) Stopped() bool { return p.stopping.Load() }

// StderrLines are the last n lines of the process's stderr.
func (p *Process) StderrLines(n int) []string { return p.stderr.Lines(n) }

// Pid is the process's id, which is also its process group's where there
// are groups.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Stop ends the process and every process it started: SIGTERM to its
// process group, SIGKILL when the grace period is over. It returns within
// the grace period, whatever the plugin's descendants do: one that left the
// group and still holds the plugin's output is left running, and named by
// Leftovers.
func (p *Process) Stop() {
	p.stopOnce.Do(func() {
		p.stopping.Store(true)
		terminate(p.cmd.Process)
		t := time.NewTimer(stopGrace)
		defer t.Stop()
		select {
		case <-p.exited:
		case <-t.C:
			kill(p.cmd.Process)
			p.hurryOnce.Do(func() { close(p.hurry) })
		}
	})
	<-p.exited
}

// Leftovers are the processes the plugin started that still held its
// output when it ended. Valid once Exited is closed.
func (p *Process) Leftovers() []Leftover {
	<-p.exited
	return p.leftovers
}

// wait reaps the process, takes down what it left in its group, and reads
// what it wrote to the end, so that its last stderr lines are known. A
// descendant in a session of its own keeps the pipes open: after the grace
// period (or at once when Stop's is over) the pipes are closed on our side
// and the processes holding them are named.
func (p *Process) wait(stdout, stderr *os.File) {
	err := p.cmd.Wait()
	kill(p.cmd.Process)
	grace := time.NewTimer(stopGrace)
	defer grace.Stop()
	expired := false
	for _, r := range []struct {
		f    *os.File
		done chan struct{}
	}{{stdout, p.stdoutDone}, {stderr, p.stderrDone}} {
		if !expired {
			select {
			case <-r.done:
				continue
			case <-grace.C:
			case <-p.hurry:
			}
			expired = true
			p.leftovers = pipeHolders(stdout, stderr)
		}
		r.f.Close()
		<-r.done
	}
	stdout.Close()
	stderr.Close()
	if p.stdin != nil {
		p.stdin.Close()
	}
	if err == nil {
		err = errors.New("exit status 0")
	}
	p.exitErr = err
	close(p.exited)
}

func (p *Process) readStdout(r io.Reader, handle func([]byte, int64)) {
	defer close(p.stdoutDone)
	lr := newLineReader(r, MaxPluginLine)
	for {
		line, dropped, err := lr.next()
		if (len(line) > 0 || dropped > 0) && handle != nil {
			handle(line, dropped)
		}
		if err != nil {
			return
		}
	}
}

func (p *Process) readStderr(r *os.File, handle func([]byte, int64)) {
	defer close(p.stderrDone)
	lr := newLineReader(r, maxStderrLine)
	for {
		line, dropped, err := lr.next()
		if len(line) > 0 || dropped > 0 || err == nil {
			kept := line
			if dropped > 0 {
				kept = fmt.Appendf(append([]byte(nil), line...), "... (%d more bytes)", dropped)
			}
			p.stderr.Write(append(kept, '\n'))
			if handle != nil {
				handle(line, dropped)
			}
		}
		if err != nil {
			return
		}
	}
}

// Environment is the environment of a plugin process: base, with the
// environment's bin directory first on PATH (as if activated), and the
// given variables set over anything base says (INSTALL_METHOD=local for a
// run, the remote settings for debugging). The SDK reads the environment
// before .env, so these win over a developer's .env.
func Environment(base []string, python string, set ...string) []string {
	names := []string{"VIRTUAL_ENV"}
	for _, kv := range set {
		name, _, _ := strings.Cut(kv, "=")
		names = append(names, name)
	}
	env := slices.DeleteFunc(slices.Clone(base), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return slices.Contains(names, name)
	})
	bin := filepath.Dir(python)
	path := bin
	for i, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			if v != "" {
				path += string(os.PathListSeparator) + v
			}
			env = slices.Delete(env, i, i+1)
			break
		}
	}
	env = append(env, "PATH="+path, "VIRTUAL_ENV="+filepath.Dir(bin))
	return append(env, set...)
}

func closeAll(files ...*os.File) {
	for _, f := range files {
		f.Close()
	}
}
