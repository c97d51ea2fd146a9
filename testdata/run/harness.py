"""Drives a dify binary the way the Dify SDK's test harness does.

dify_plugin.integration.run.PluginRunner (used by the tests of
langgenius/dify-official-plugins) finds the CLI through DIFY_CLI_PATH,
parses the whole output of `<cli> version` as one PEP 440 version that must
be at least 0.1.0, packages a plugin directory with `<cli> plugin package DIR
-o X.difypkg`, starts `<cli> plugin run X.difypkg --response-format json`
with OS pipes (stderr is never read), waits at most 30 seconds for a
plugin_ready line with an empty invoke_id, writes each request in 4 KiB
pieces, reads the lines of its invoke_id until plugin_invoke_end, and stops
with SIGTERM and wait(). This script does the same with the standard
library (and `packaging`, or pip's copy of it, for the version when one is
there), then checks the answers of the tool double.

Usage: python3 harness.py PLUGIN_DIR
Exit status 0 when every check passes; the failures are printed otherwise.
"""

import json
import os
import queue
import re
import select
import signal
import subprocess
import sys
import tempfile
import threading
import uuid

try:
    from packaging.version import Version
except ImportError:
    try:
        from pip._vendor.packaging.version import Version
    except ImportError:
        Version = None

PEP440 = re.compile(
    r"^\s*v?(?P<release>[0-9]+(?:\.[0-9]+)*)"
    r"(?:[-_.]?(?P<pre>a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?"
    r"(?:(?:-[0-9]+)|(?:[-_.]?(?:post|rev|r)[-_.]?[0-9]*))?"
    r"(?:[-_.]?(?P<dev>dev)[-_.]?[0-9]*)?"
    r"(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?\s*$",
    re.IGNORECASE,
)


def at_least_0_1_0(text):
    """Version(text) >= Version("0.1.0"); raises ValueError like Version."""
    if Version is not None:
        return Version(text) >= Version("0.1.0")
    m = PEP440.match(text)
    if not m:
        raise ValueError(f"invalid version: {text!r}")
    release = [int(x) for x in m.group("release").split(".")]
    release += [0] * (3 - len(release))
    if release != [0, 1, 0]:
        return release > [0, 1, 0]
    return not m.group("pre") and not m.group("dev")


def check_version(cli):
    out = subprocess.check_output([cli, "version"]).decode("utf-8")
    try:
        ok = at_least_0_1_0(out)
    except Exception as e:
        raise SystemExit(f"dify cli version is not valid: {out!r} ({e})")
    if not ok:
        raise SystemExit(f"dify cli version must be greater than 0.1.0 to support plugin run: {out!r}")


class Runner:
    def __init__(self, cli, plugin_dir):
        self.tmp = tempfile.mkdtemp()
        package = os.path.join(self.tmp, "plugin.difypkg")
        subprocess.check_output([cli, "plugin", "package", plugin_dir, "-o", package])
        self.stdout_r, stdout_w = os.pipe()
        stderr_r, stderr_w = os.pipe()  # never read, as in the SDK
        stdin_r, self.stdin_w = os.pipe()
        self.process = subprocess.Popen([cli, "plugin", "run", package, "--response-format", "json"],
                                        stdout=stdout_w, stderr=stderr_w, stdin=stdin_r)
        self.ready = threading.Semaphore(0)
        self.queues = {}
        self.lock = threading.Lock()
        self.write_lock = threading.Lock()
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()
        if not self.ready.acquire(timeout=30):
            raise SystemExit("Plugin failed to start within 30 seconds")

    def read(self):
        buffer = b""
        while True:
            ready, _, _ = select.select([self.stdout_r], [], [], 0.1)
            if not ready:
                continue
            data = os.read(self.stdout_r, 65536)
            if not data:
                return
            buffer += data
            lines = buffer.split(b"\n")
            buffer = lines[-1]
            for raw in lines[:-1]:
                line = raw.strip()
                if line:
                    self.publish(line.decode("utf-8"))

    def publish(self, line):
        try:
            msg = json.loads(line)
            assert isinstance(msg["invoke_id"], str) and isinstance(msg["response"], dict)
            assert msg["type"] in ("info", "error", "plugin_response", "plugin_ready", "plugin_invoke_end")
        except Exception:
            print(f"warning: failed to parse message: {line}", file=sys.stderr)
            return
        if not msg["invoke_id"]:
            if msg["type"] == "plugin_ready":
                self.ready.release()
            elif msg["type"] == "error":
                print(f"plugin error: {msg['response']}", file=sys.stderr)
            return
        with self.lock:
            q = self.queues.get(msg["invoke_id"])
        if q is not None:
            q.put(msg)

    def invoke(self, typ, action, request):
        invoke_id = uuid.uuid4().hex
        q = queue.Queue()
        with self.lock:
            self.queues[invoke_id] = q
        data = json.dumps({"invoke_id": invoke_id, "type": typ, "action": action, "request": request}).encode() + b"\n"
        with self.write_lock:
            for i in range(0, len(data), 4096):
                os.write(self.stdin_w, data[i:i + 4096])
        results = []
        try:
            while True:
                msg = q.get(timeout=60)
                if msg["type"] == "plugin_invoke_end":
                    return results
                if msg["type"] == "error":
                    raise ValueError(msg["response"])
                if msg["type"] != "plugin_response":
                    raise ValueError("Invalid response type")
                results.append(msg["response"])
        except queue.Empty:
            raise SystemExit(f"no plugin_invoke_end for {action} within 60 seconds")
        finally:
            with self.lock:
                del self.queues[invoke_id]

    def close(self):
        os.kill(self.process.pid, signal.SIGTERM)
        return self.process.wait()


def main():
    cli = os.environ.get("DIFY_CLI_PATH")
    if not cli:
        raise SystemExit("set DIFY_CLI_PATH")
    check_version(cli)
    runner = Runner(cli, sys.argv[1])
    failures = []
    try:
        got = runner.invoke("tool", "invoke_tool", {"user_id": "u", "provider": "double", "tool": "echo",
                                                   "credentials": {}, "tool_parameters": {"text": "hello harness"}})
        if [r["message"]["text"] for r in got] != ["hello harness"]:
            failures.append(f"echo answered {got}")
        big = "y" * 20000  # a request longer than one 4 KiB write
        got = runner.invoke("tool", "invoke_tool", {"user_id": "u", "provider": "double", "tool": "echo",
                                                   "credentials": {}, "tool_parameters": {"text": big}})
        if [r["message"]["text"] for r in got] != [big]:
            failures.append("a request written in 4 KiB pieces came back different")
        try:
            runner.invoke("tool", "invoke_tool", {"user_id": "u", "provider": "double", "tool": "boom",
                                                 "credentials": {}, "tool_parameters": {}})
            failures.append("boom did not raise")
        except ValueError as e:
            err = json.loads(e.args[0]["error"])
            if err["error_type"] != "ValueError":
                failures.append(f"boom raised {err}")
    finally:
        code = runner.close()
    if code != 0:
        failures.append(f"exit status {code} after SIGTERM")
    for f in failures:
        print(f"FAIL: {f}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
