"""A stand-in for a Dify plugin, for testing `dify plugin run` and `invoke`.

It speaks the daemon's stdio protocol as the dify_plugin SDK does, with the
standard library only: the manifest line first, a heartbeat at once and then
every HEARTBEAT_INTERVAL seconds, log events, one JSON event per line with a
blank line after it, requests handled on threads, every request ended with a
session "end" (after an error too), blobs sent as 8 KiB base64 chunks, and
calls back into Dify sent as "invoke" messages whose answers come back as
"backwards_response" messages.

With INSTALL_METHOD=remote it connects to REMOTE_INSTALL_URL (or the older
REMOTE_INSTALL_HOST and REMOTE_INSTALL_PORT) as the SDK does for remote
debugging: the handshake with REMOTE_INSTALL_KEY, the manifest, one tool
declaration, the files of _assets/ in 8 KiB chunks, then the end frame; the
protocol then runs over that socket, and logs go to stdout as text. A
refusal from the daemon is printed as the SDK prints it, and the double
exits.

DOUBLE_MODE changes how it starts: crash (exits at once), silent (never sends
a heartbeat), slow (waits DOUBLE_DELAY seconds first), flood (writes 4 MiB to
stderr first and keeps writing), print (prints a stray stdout line),
child (starts a grandchild process), session-child (starts one in a session
of its own that holds stdout and stderr open), long-stdout and long-stderr
(write DOUBLE_LONG bytes, 1 GiB by default, without a newline first).
DOUBLE_PIDFILE, when set, receives the process ids, one per line.
"""

import base64
import json
import os
import queue
import subprocess
import sys
import threading
import time
import traceback
import urllib.request
import uuid

MODE = os.environ.get("DOUBLE_MODE", "")
REMOTE = os.environ.get("INSTALL_METHOD") == "remote"
write_lock = threading.Lock()
sock = None


def out(obj):
    line = json.dumps(obj) + "\n\n"
    with write_lock:
        if sock is not None:
            sock.sendall(line.encode())
        else:
            sys.stdout.write(line)
            sys.stdout.flush()


def log(message, level="INFO"):
    if REMOTE:
        print(f"{level} {message}", flush=True)
        return
    out({"event": "log", "data": {"level": level, "message": message, "timestamp": time.time()}})


def record_pid(pid):
    path = os.environ.get("DOUBLE_PIDFILE")
    if path:
        with open(path, "a") as f:
            f.write(f"{pid}\n")


# --- start-up --------------------------------------------------------------

record_pid(os.getpid())
if os.environ.get("INSTALL_METHOD") not in ("local", "remote"):
    sys.stderr.write(f"INSTALL_METHOD is {os.environ.get('INSTALL_METHOD')!r}, not 'local'\n")
    sys.exit(4)
if MODE == "crash":
    sys.stderr.write("Traceback (most recent call last):\n  File \"main.py\", line 1\n")
    sys.stderr.write("RuntimeError: the double was told to crash\n")
    sys.exit(3)
if MODE == "slow":
    time.sleep(float(os.environ.get("DOUBLE_DELAY", "2")))
if MODE == "flood":
    chunk = ("stderr noise " * 8 + "\n") * 1000

    def flood():
        while True:
            sys.stderr.write(chunk)

    for _ in range(40):
        sys.stderr.write(chunk)
    threading.Thread(target=flood, daemon=True).start()
if MODE == "print":
    print("debug: a stray print on stdout")
if MODE == "child":
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"])
    record_pid(child.pid)
if MODE == "session-child":
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"], start_new_session=True)
    record_pid(child.pid)
if MODE in ("long-stdout", "long-stderr"):
    stream = sys.stdout.buffer if MODE == "long-stdout" else sys.stderr.buffer
    left = int(os.environ.get("DOUBLE_LONG", str(1 << 30)))
    block = b"x" * (1 << 20)
    while left > 0:
        stream.write(block[:left])
        left -= len(block)
    stream.write(b"\n")
    stream.flush()



def connect():
    """Registers with the daemon as the SDK does; returns the socket."""
    global sock
    import base64 as b64
    import socket
    url = os.environ.get("REMOTE_INSTALL_URL", "")
    if url:
        host, _, port = url.rpartition(":")
    else:
        host = os.environ.get("REMOTE_INSTALL_HOST", "localhost")
        port = os.environ.get("REMOTE_INSTALL_PORT", "5003")
    key = os.environ.get("REMOTE_INSTALL_KEY")
    if not key:
        sys.exit("Missing remote install key")
    conn = socket.create_connection((host.strip("[]"), int(port)))
    print(f"Connected to {host}:{port}", flush=True)
    conn.sendall(json.dumps({"type": "handshake", "data": {"key": key}}).encode() + b"\n")

    def frame(typ, data):
        try:
            conn.sendall(json.dumps({"type": typ, "data": data}).encode() + b"\n\n")
        except OSError as e:
            # As the SDK: the write fails when the daemon has refused the
            # handshake; its reason is read below.
            print(f"Failed to write data: {e}", flush=True)

    frame("manifest_declaration", {"version": "0.0.1", "type": "plugin", "author": "dify-test", "name": "double"})
    frame("tool_declaration", [{"identity": {"author": "dify-test", "name": "double"}, "tools": []}])
    assets = os.path.join(os.getcwd(), "_assets")
    for name in sorted(os.listdir(assets)) if os.path.isdir(assets) else []:
        path = os.path.join(assets, name)
        if not os.path.isfile(path):
            continue
        data = open(path, "rb").read()
        chunks = [data[i:i + 8192] for i in range(0, len(data), 8192)] or [b""]
        for i, chunk in enumerate(chunks):
            frame("asset_chunk", {"filename": name, "data": b64.b64encode(chunk).decode(), "end": i == len(chunks) - 1})
    frame("end", {})
    sock = conn


if REMOTE:
    connect()
else:
    out({"version": "0.0.1", "type": "plugin", "author": "dify-test", "name": "double"})


def heartbeat():
    interval = float(os.environ.get("HEARTBEAT_INTERVAL", "10"))
    while True:
        out({"event": "heartbeat", "session_id": None, "data": {}})
        time.sleep(interval)


if MODE != "silent":
    threading.Thread(target=heartbeat, daemon=True).start()
log("double started")


def parent_alive():
    while True:
        time.sleep(0.5)
        if os.getppid() == 1:
            os._exit(1)


threading.Thread(target=parent_alive, daemon=True).start()


# --- sessions --------------------------------------------------------------

class PluginError(Exception):
    def __init__(self, error_type, message):
        super().__init__(message)
        self.error_type = error_type


backwards = {}
backwards_lock = threading.Lock()


def stream(sid, data):
    out({"event": "session", "session_id": sid, "data": {"type": "stream", "data": data}})


def call_dify(sid, typ, request):
    """A call back into Dify; yields the answers, raises on an error."""
    rid = uuid.uuid4().hex
    q = queue.Queue()
    with backwards_lock:
        backwards[rid] = q
    out({"event": "session", "session_id": sid, "data": {"type": "invoke", "data": {
        "type": typ, "backwards_request_id": rid, "request": request}}})
    try:
        while True:
            msg = q.get(timeout=30)
            if msg["event"] == "end":
                return
            if msg["event"] == "error":
                raise Exception(msg["message"])
            if msg.get("data") is None:
                return
            yield msg["data"]
    finally:
        with backwards_lock:
            backwards.pop(rid, None)


def text(t):
    return {"type": "text", "message": {"text": t}, "meta": None}


def tool(sid, req):
    name, params = req["tool"], req.get("tool_parameters") or {}
    if name == "echo":
        stream(sid, text(str(params.get("text", ""))))
    elif name == "json":
        stream(sid, {"type": "json", "message": {"json_object": params}, "meta": None})
    elif name == "blob":
        size = int(params.get("size", 20000))
        blob = bytes(i % 251 for i in range(size))
        bid = uuid.uuid4().hex
        meta = {"mime_type": "application/octet-stream", "filename": "data.bin"}
        for seq, start in enumerate(range(0, len(blob), 8192)):
            stream(sid, {"type": "blob_chunk", "message": {"id": bid, "sequence": seq, "total_length": len(blob),
                         "blob": base64.b64encode(blob[start:start + 8192]).decode(), "end": False}, "meta": meta})
        stream(sid, {"type": "blob_chunk", "message": {"id": bid, "sequence": len(blob) // 8192 + 1,
                     "total_length": len(blob), "blob": "", "end": True}, "meta": meta})
    elif name == "links":
        stream(sid, {"type": "link", "message": {"text": "https://example.com/page"}, "meta": None})
        stream(sid, {"type": "image", "message": {"text": "https://example.com/cat.png"}, "meta": None})
        stream(sid, {"type": "variable", "message": {"variable_name": "answer", "variable_value": 42, "stream": False}, "meta": None})
    elif name == "ask_llm":
        answer = ""
        for chunk in call_dify(sid, "llm", {"provider": "openai", "model_type": "llm", "model": "gpt-test", "mode": "chat",
                                            "completion_params": {}, "prompt_messages": [{"role": "user", "content": params.get("text", "")}],
                                            "tools": [], "stop": [], "stream": True}):
            answer += chunk["delta"]["message"]["content"]
        stream(sid, text(answer))
    elif name == "remember":
        key, value = params.get("key", "k"), str(params.get("text", ""))
        for _ in call_dify(sid, "storage", {"opt": "set", "key": key, "value": value.encode().hex()}):
            pass
        for got in call_dify(sid, "storage", {"opt": "get", "key": key}):
            stream(sid, text("stored: " + bytes.fromhex(got["data"]).decode()))
    elif name == "fetch":
        doc = params.get("doc") or {}
        with urllib.request.urlopen(doc["url"], timeout=10) as r:
            data = r.read()
        stream(sid, text(f"{doc.get('filename')} ({doc.get('type')}, {r.headers.get('Content-Type')}): {len(data)} bytes: {data[:16].decode(errors='replace')}"))
    elif name == "boom":
        raise ValueError("the double was told to fail")
    elif name == "huge":
        stream(sid, text("x" * int(params.get("size", 6 << 20))))
    elif name == "slow":
        time.sleep(float(params.get("seconds", 1)))
        stream(sid, text("done"))
    elif name == "pid":
        stream(sid, text(str(os.getpid())))
    elif name == "untyped":
        stream(sid, {"message": {"text": "no type"}, "meta": None})
    elif name == "die":
        stream(sid, text("last words"))
        os._exit(int(params.get("code", 7)))
    elif name == "flood":
        chunk = "y" * 8192
        for _ in range(int(params.get("size", 1 << 20)) // 8192):
            stream(sid, text(chunk))
    else:
        raise PluginError("ToolNotFoundError", f"no tool {name}")


def credentials(sid, req):
    if (req.get("credentials") or {}).get("api_key") == "bad":
        raise PluginError("ToolProviderCredentialValidationError", "the api_key is bad")
    stream(sid, {"result": True, "credentials": req.get("credentials") or {}})


def model(sid, req, action):
    name = req.get("model")
    if action == "invoke_llm" and name == "ask-dify":
        for chunk in call_dify(sid, "llm", {"provider": "p", "model_type": "llm", "model": "m", "mode": "chat",
                                            "prompt_messages": [], "tools": [], "stop": [], "stream": True}):
            stream(sid, chunk)
    elif action == "invoke_llm":
        prompt = req.get("prompt_messages") or [{}]
        content = str(prompt[-1].get("content", ""))
        for i, part in enumerate(["echo: ", content]):
            stream(sid, {"model": name, "prompt_messages": [], "system_fingerprint": None,
                         "delta": {"index": i, "message": {"role": "assistant", "content": part, "name": None, "tool_calls": []},
                                   "usage": None, "finish_reason": None}})
        stream(sid, {"model": name, "prompt_messages": [], "system_fingerprint": None,
                     "delta": {"index": 2, "message": {"role": "assistant", "content": "", "name": None, "tool_calls": []},
                               "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}, "finish_reason": "stop"}})
    elif action == "get_llm_num_tokens":
        stream(sid, {"num_tokens": sum(len(str(m.get("content", "")).split()) for m in req.get("prompt_messages") or [])})
    elif action == "invoke_text_embedding":
        stream(sid, {"model": name, "embeddings": [[float(len(t)), 0.5] for t in req.get("texts") or []],
                     "usage": {"tokens": 1, "total_tokens": 1}})
    elif action == "invoke_rerank":
        query = req.get("query", "")
        docs = [{"index": i, "text": d, "score": 1.0 if query in d else 0.1} for i, d in enumerate(req.get("docs") or [])]
        stream(sid, {"model": name, "docs": sorted(docs, key=lambda d: -d["score"])})
    elif action == "invoke_tts":
        for word in str(req.get("content_text", "")).split():
            stream(sid, {"result": word.encode().hex()})
    elif action == "invoke_speech2text":
        stream(sid, {"result": f"heard {len(bytes.fromhex(req.get('file', '')))} bytes"})
    elif action == "invoke_moderation":
        stream(sid, {"result": "bad" in str(req.get("text", ""))})
    elif action in ("validate_provider_credentials", "validate_model_credentials"):
        credentials(sid, req)
    else:
        pass  # no route: only the end, as the SDK does


def agent(sid, req):
    params = req.get("agent_strategy_params") or {}
    stream(sid, text(f"strategy {req.get('agent_strategy')} thinks about {params.get('query', '')}"))


def endpoint(sid, req):
    raw = bytes.fromhex(req["raw_http_request"])
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    stream(sid, {"status": 200, "headers": {"Content-Type": "text/plain", "X-Double": headers.get("X-Test", "")}})
    stream(sid, {"result": f"{method} {path} {body.decode()}".encode().hex()})


def datasource(sid, req, action):
    params = req.get("datasource_parameters") or {}
    if action == "validate_datasource_credentials":
        credentials(sid, req)
    elif action == "invoke_website_datasource_get_crawl":
        url = params.get("url", "")
        stream(sid, {"result": {"status": "completed", "total": 1, "completed": 1, "web_info_list": [
            {"source_url": url, "content": f"content of {url}", "title": "Example", "description": "an example page"}]}})
    elif action == "invoke_online_document_datasource_get_pages":
        stream(sid, {"result": [{"workspace_id": "w1", "workspace_name": "Workspace", "workspace_icon": "", "total": 1,
                                 "pages": [{"page_id": "p1", "page_name": "Page one", "type": "page", "last_edited_time": "",
                                            "parent_id": None, "page_icon": None}]}]})


def handle(sid, data):
    try:
        typ, action = data.get("type"), data.get("action")
        if typ == "tool" and action == "invoke_tool":
            tool(sid, data)
        elif typ == "tool" and action == "validate_tool_credentials":
            credentials(sid, data)
        elif typ == "model":
            model(sid, data, action)
        elif typ == "agent_strategy":
            agent(sid, data)
        elif typ == "endpoint":
            endpoint(sid, data)
        elif typ == "datasource":
            datasource(sid, data, action)
    except Exception as e:
        error_type = e.error_type if isinstance(e, PluginError) else type(e).__name__
        out({"event": "session", "session_id": sid, "data": {"type": "error", "data": {
            "error_type": error_type, "message": str(e), "args": {"traceback": traceback.format_exc()}}}})
    out({"event": "session", "session_id": sid, "data": {"type": "end", "data": {}}})


def lines():
    if sock is None:
        yield from sys.stdin.buffer
        return
    buffer = b""
    while True:
        data = sock.recv(1 << 20)
        if not data:
            if buffer:
                yield buffer
            print("the daemon closed the connection", flush=True)
            return
        buffer += data
        *complete, buffer = buffer.split(b"\n")
        yield from complete


for raw in lines():
    line = raw.strip()
    if not line:
        continue
    if REMOTE and not line.startswith(b"{"):
        # The daemon's refusals are plain text; the SDK fails to parse them.
        print(f"An error occurred while parsing the data: {line!r}", flush=True)
        sys.exit(1)
    try:
        msg = json.loads(line)
        event = msg["event"]
        sid = msg["session_id"]
    except Exception as e:
        out({"event": "error", "session_id": None, "data": {"error": str(e)}})
        continue
    if event == "request":
        threading.Thread(target=handle, args=(sid, msg["data"]), daemon=True).start()
    elif event == "backwards_response":
        with backwards_lock:
            q = backwards.get(msg["data"].get("backwards_request_id"))
        if q is not None:
            q.put(msg["data"])
