//go:build unix

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dify-cli/dify/internal/testdouble"
)

// needPython skips a test when no python3 runs the test doubles.
func needPython(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3 on PATH: the test doubles cannot run here")
	}
	if runtime.GOOS != "linux" {
		t.Skip("watches processes through /proc")
	}
}

// double copies the tool double (testdata/run) into a new directory.
func double(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "double")
	if err := testdouble.Write("tool", dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// startReady starts `dify plugin run -r json` on path, with the double
// writing the pids of its processes (procs of them: the plugin and the
// children DOUBLE_MODE asks for) to a file, and waits until it is ready.
func startReady(t *testing.T, bin string, env []string, path string, procs int) (*runningPlugin, []int) {
	t.Helper()
	pidfile := filepath.Join(t.TempDir(), "pids")
	r := startRun(t, bin, append(slices.Clip(env), "DOUBLE_PIDFILE="+pidfile), path, "-r", "json")
	r.waitFor(t, "plugin_ready", "")
	return r, readPidFile(t, pidfile, procs, r.exited)
}

// runningPlugin is `dify plugin run` started with a stdin that stays open.
type runningPlugin struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  *bufio.Scanner
	exited chan struct{}
	state  *os.ProcessState
}

func startRun(t *testing.T, bin string, env []string, args ...string) *runningPlugin {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"plugin", "run"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &runningPlugin{cmd: cmd, stdin: stdin, lines: bufio.NewScanner(stdout), exited: make(chan struct{})}
	r.lines.Buffer(nil, 64<<20)
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-r.exited
	})
	go func() {
		// Not cmd.Wait, which would close stdout under the scanner.
		r.state, _ = cmd.Process.Wait()
		close(r.exited)
	}()
	return r
}

// next reads the next JSON line, failing the test at the end of output.
func (r *runningPlugin) next(t *testing.T) map[string]any {
	t.Helper()
	if !r.lines.Scan() {
		t.Fatalf("dify plugin run ended its output early (%v)", r.lines.Err())
	}
	var m map[string]any
	if err := json.Unmarshal(r.lines.Bytes(), &m); err != nil {
		t.Fatalf("line %q: %v", r.lines.Text(), err)
	}
	return m
}

// waitFor reads lines until one has the given type and invoke id.
func (r *runningPlugin) waitFor(t *testing.T, typ, id string) map[string]any {
	t.Helper()
	for {
		m := r.next(t)
		if m["type"] == typ && m["invoke_id"] == id {
			return m
		}
	}
}

func (r *runningPlugin) exitCode(t *testing.T) int {
	t.Helper()
	select {
	case <-r.exited:
	case <-time.After(2 * time.Minute):
		t.Fatal("dify plugin run did not exit")
	}
	return r.state.ExitCode()
}

func readPidFile(t *testing.T, path string, n int, exited <-chan struct{}) []int {
	t.Helper()
	var pids []int
	ok := waitUntil(func() bool {
		data, _ := os.ReadFile(path)
		pids = pids[:0]
		for _, f := range strings.Fields(string(data)) {
			pid, _ := strconv.Atoi(f)
			pids = append(pids, pid)
		}
		return len(pids) >= n
	}, exited)
	if !ok {
		t.Fatalf("the plugin wrote %v to %s, want %d pids", pids, path, n)
	}
	return pids
}

// gone reports whether pid has ended (a zombie nobody reaps has ended too).
func gone(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return true
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] == 'Z'
}

func waitGone(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !gone(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("process %d is still running", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func runEnv(t *testing.T) []string {
	tmp := t.TempDir()
	return []string{"DIFY_CACHE_DIR=" + filepath.Join(tmp, "cache"), "TMPDIR=" + tmp}
}

// SIGTERM (what the SDK's PluginRunner sends) stops the plugin's whole
// process group, removes the extracted package and exits 0.
func TestRunSIGTERMStopsEverything(t *testing.T) {
	needPython(t)
	bin := buildDify(t)
	dir := double(t)
	env := runEnv(t)
	tmp := strings.TrimPrefix(env[1], "TMPDIR=")
	pkg := filepath.Join(t.TempDir(), "double.difypkg")
	if out, err := exec.Command(bin, "plugin", "package", dir, "-o", pkg).CombinedOutput(); err != nil {
		t.Fatalf("package: %v\n%s", err, out)
	}
	r, pids := startReady(t, bin, append(env, "DOUBLE_MODE=child"), pkg, 2)
	if names := tempFiles(t, tmp); len(names) != 1 {
		t.Errorf("while running, $TMPDIR holds %v, want the extracted package", names)
	}

	r.cmd.Process.Signal(syscall.SIGTERM)
	if code := r.exitCode(t); code != 0 {
		t.Errorf("exit status %d after SIGTERM, want 0", code)
	}
	for _, pid := range pids {
		waitGone(t, pid)
	}
	if names := tempFiles(t, tmp); len(names) != 0 {
		t.Errorf("SIGTERM left %v in $TMPDIR", names)
	}
}

// kill -9 cannot be handled, but the kernel then ends the plugin too.
func TestRunKillNineLeavesNoPlugin(t *testing.T) {
	needPython(t)
	bin := buildDify(t)
	r, pids := startReady(t, bin, runEnv(t), double(t), 1)
	r.cmd.Process.Kill()
	r.exitCode(t)
	waitGone(t, pids[0])
}

// At the end of stdin, the requests in flight finish, then the plugin
// stops and dify exits 0.
func TestRunEndOfInput(t *testing.T) {
	needPython(t)
	bin := buildDify(t)
	r, pids := startReady(t, bin, runEnv(t), double(t), 1)
	io.WriteString(r.stdin, `{"invoke_id":"slow","type":"tool","action":"invoke_tool","request":{"provider":"double","tool":"slow","credentials":{},"tool_parameters":{"seconds":0.3}}}`+"\n")
	r.stdin.Close()
	resp := r.waitFor(t, "plugin_response", "slow")
	if resp["response"].(map[string]any)["message"].(map[string]any)["text"] != "done" {
		t.Errorf("the request in flight answered %v", resp)
	}
	r.waitFor(t, "plugin_invoke_end", "slow")
	if code := r.exitCode(t); code != 0 {
		t.Errorf("exit status %d at the end of input", code)
	}
	waitGone(t, pids[0])
}

// TCP mode listens on 127.0.0.1 unless told otherwise, and says where.
func TestRunTCP(t *testing.T) {
	needPython(t)
	bin := buildDify(t)
	r := startRun(t, bin, runEnv(t), double(t), "-m", "tcp", "-r", "json")
	var addr map[string]any
	for {
		m := r.next(t)
		resp, _ := m["response"].(map[string]any)
		if _, ok := resp["port"]; ok {
			addr = resp
			break
		}
	}
	if addr["host"] != "127.0.0.1" || !strings.HasPrefix(addr["info"].(string), "plugin is running on 127.0.0.1:") {
		t.Errorf("TCP mode announced %v", addr)
	}
	port := int(addr["port"].(float64))
	conn, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, `{"invoke_id":"t","type":"tool","action":"invoke_tool","request":{"provider":"double","tool":"echo","credentials":{},"tool_parameters":{"text":"over tcp"}}}`+"\n")
	lines := bufio.NewScanner(conn)
	var got []string
	for lines.Scan() {
		got = append(got, lines.Text())
		if strings.Contains(lines.Text(), "plugin_invoke_end") {
			break
		}
	}
	all := strings.Join(got, "\n")
	if !strings.Contains(all, `"type":"plugin_ready"`) || !strings.Contains(all, `"text":"over tcp"`) {
		t.Errorf("the TCP client read:\n%s", all)
	}
	r.cmd.Process.Signal(syscall.SIGINT)
	if code := r.exitCode(t); code != 0 {
		t.Errorf("exit status %d after SIGINT", code)
	}
}
