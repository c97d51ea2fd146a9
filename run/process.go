package run

import (
	"bufio"
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
	// Stdout and Stderr receive each line the process writes, however long,
	// without its end. Stderr lines are also kept for error messages.
	Stdout, Stderr func(line []byte)
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
}

// StartProcess starts `python -m entrypoint` in the plugin's directory.
func StartProcess(o ProcessOptions) (*Process, error) {
	if o.Entrypoint == "" {
		o.Entrypoint = "main"
	}
	p := &Process{stderr: &tail.Buffer{Max: 16 << 10}, stdoutDone: make(chan struct{}), stderrDone: make(chan struct{}),
		exited: make(chan struct{})}
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
// process group, SIGKILL after a grace period.
func (p *Process) Stop() {
	p.stopOnce.Do(func() {
		p.stopping.Store(true)
		terminate(p.cmd.Process)
		select {
		case <-p.exited:
		case <-time.After(stopGrace):
			kill(p.cmd.Process)
		}
	})
	<-p.exited
}

// wait reaps the process, takes down what it left running, and reads
// what it wrote to the end, so that its last stderr lines are known.
func (p *Process) wait(stdout, stderr *os.File) {
	err := p.cmd.Wait()
	// A child that outlives the plugin would keep the pipes open.
	kill(p.cmd.Process)
	grace := time.After(stopGrace)
	for _, r := range []struct {
		f    *os.File
		done chan struct{}
	}{{stdout, p.stdoutDone}, {stderr, p.stderrDone}} {
		select {
		case <-r.done:
		case <-grace:
			r.f.Close()
			<-r.done
		}
		r.f.Close()
	}
	if p.stdin != nil {
		p.stdin.Close()
	}
	if err == nil {
		err = errors.New("exit status 0")
	}
	p.exitErr = err
	close(p.exited)
}

func (p *Process) readStdout(r io.Reader, handle func([]byte)) {
	defer close(p.stdoutDone)
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := readLine(br)
		if len(line) > 0 && handle != nil {
			handle(line)
		}
		if err != nil {
			return
		}
	}
}

func (p *Process) readStderr(r *os.File, handle func([]byte)) {
	defer close(p.stderrDone)
	br := bufio.NewReaderSize(r, 16<<10)
	for {
		line, err := readLine(br)
		if len(line) > 0 || err == nil {
			p.stderr.Write(append(line, '\n'))
			if handle != nil {
				handle(line)
			}
		}
		if err != nil {
			return
		}
	}
}

// readLine returns the next line without its end, however long.
func readLine(br *bufio.Reader) ([]byte, error) {
	var long []byte
	for {
		part, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long, part...)
			continue
		}
		if long != nil {
			part = append(long, part...)
		} else {
			part = append([]byte(nil), part...)
		}
		return trimLineEnd(part), err
	}
}

func trimLineEnd(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
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
