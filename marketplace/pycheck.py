"""Reads a plugin's Python files for dify's marketplace check.

Input on stdin: {"files": [{"id", "name", "data" (base64), "compile", "safety",
"hosts", "scan"}]}.
Output on stdout: {"results": [{"id", "compile", "parse_error", "safety",
"literals", "calls", "runtime"}]}.

For each file: does it compile (as compileall would, from its bytes, so a
coding declaration is honoured); and, when asked, what the marketplace's
safety and access-domain scans read from its syntax tree.
"""

import ast
import base64
import json
import re
import sys

HTTP_VERBS = {"get", "post", "put", "patch", "delete", "head", "options", "request"}
NET_VERBS = HTTP_VERBS | {"stream"}
LOG_VERBS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}
LEAKY_WORDS = ("credential", "api_key", "apikey", "secret", "token", "password", "passwd")
URL = re.compile(r"""(?i)\bhttps?://([^\s/?#"'`<>)\]}\\,;*]+|\*\.[^\s/?#"'`<>)\]}\\,;]+)""")


def name_of(node):
    """a.b.c for a chain of attributes on a name, else ''."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        left = name_of(node.value)
        return left + "." + node.attr if left else node.attr
    return ""


def mentions_secret(node):
    """Whether an expression names something credential-like."""
    if isinstance(node, ast.Name):
        return any(w in node.id.lower() for w in LEAKY_WORDS)
    if isinstance(node, ast.Attribute):
        return any(w in node.attr.lower() for w in LEAKY_WORDS) or mentions_secret(node.value)
    if isinstance(node, ast.Call):
        return any(mentions_secret(a) for a in node.args) or any(mentions_secret(k.value) for k in node.keywords)
    if isinstance(node, ast.keyword):
        return mentions_secret(node.value)
    return any(mentions_secret(child) for child in ast.iter_child_nodes(node))


class Safety(ast.NodeVisitor):
    def __init__(self, source):
        self.source = source
        self.found = []
        self.modules = {"requests"}
        self.functions = set()

    def note(self, node, message):
        segment = ast.get_source_segment(self.source, node) or ""
        self.found.append([node.lineno, message, " ".join(segment.strip().split())[:180]])

    def visit_Import(self, node):
        for alias in node.names:
            if alias.name == "requests":
                self.modules.add(alias.asname or alias.name)
        self.generic_visit(node)

    def visit_ImportFrom(self, node):
        if node.module == "requests":
            for alias in node.names:
                if alias.name in HTTP_VERBS:
                    self.functions.add(alias.asname or alias.name)
        self.generic_visit(node)

    def is_requests(self, node):
        if isinstance(node.func, ast.Attribute):
            return name_of(node.func.value) in self.modules and node.func.attr in HTTP_VERBS
        if isinstance(node.func, ast.Name):
            return node.func.id in self.functions
        return False

    def is_log(self, node):
        if not isinstance(node.func, ast.Attribute) or node.func.attr not in LOG_VERBS:
            return False
        target = name_of(node.func.value).lower()
        return target in {"logging", "logger", "log"} or target.endswith(".logger") or target.endswith(".log")

    def visit_Call(self, node):
        if self.is_requests(node) and not any(k.arg == "timeout" for k in node.keywords):
            self.note(node, "requests call may be missing timeout")
        if self.is_log(node) and mentions_secret(node):
            self.note(node, "log call may expose credential-like values")
        self.generic_visit(node)

    def visit_Raise(self, node):
        if node.exc is not None and mentions_secret(node):
            self.note(node, "raised exception may expose credential-like values")
        self.generic_visit(node)

    def visit_Return(self, node):
        if node.value is not None and mentions_secret(node.value):
            self.note(node, "return value may expose credential-like values")
        self.generic_visit(node)

    def visit_Yield(self, node):
        if node.value is not None and mentions_secret(node.value):
            self.note(node, "yield value may expose credential-like values")
        self.generic_visit(node)


def docstrings(tree):
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
                ids.add(id(body[0].value))
    return ids


def has_host(text):
    for m in URL.finditer(text):
        host = m.group(1).strip().strip(".").lower()
        host = host.rsplit("@", 1)[-1]
        if host.startswith("["):
            continue
        if host.split(":", 1)[0]:
            return True
    return False


def is_network_call(node):
    func, verb, owner = node.func, None, None
    if isinstance(func, ast.Attribute):
        verb = func.attr
        if isinstance(func.value, ast.Name):
            owner = func.value.id
        elif isinstance(func.value, ast.Attribute):
            owner = func.value.attr
    elif isinstance(func, ast.Name):
        verb = func.id
    if owner in {"requests", "httpx"} and verb in NET_VERBS:
        return True
    if owner == "request" and verb in {"urlopen", "Request"}:
        return True
    if owner == "aiohttp" and verb == "ClientSession":
        return True
    return verb == "urlopen"


def hosts(tree):
    skip = docstrings(tree)

    def literals(node):
        return [s for s in ast.walk(node) if isinstance(s, ast.Constant) and isinstance(s.value, str) and id(s) not in skip]

    found = [[getattr(s, "lineno", 0), s.value] for s in literals(tree) if "://" in s.value]
    calls = runtime = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and is_network_call(node):
            calls += 1
            args = list(node.args) + [k.value for k in node.keywords]
            if not any(has_host(s.value) for a in args for s in literals(a)):
                runtime += 1
    return found, calls, runtime


def check(f):
    data = base64.b64decode(f["data"])
    result = {"id": f["id"]}
    if f.get("compile"):
        try:
            compile(data, f["name"], "exec", dont_inherit=True)
        except SyntaxError as err:
            result["compile"] = {"line": err.lineno or 0, "message": "%s: %s" % (type(err).__name__, err.msg)}
        except Exception as err:  # ValueError and the like: still a file that does not compile
            result["compile"] = {"line": 0, "message": "%s: %s" % (type(err).__name__, err)}
    # The syntax tree is built only when a scan can find something in it, or
    # to tell whether the safety scan could parse a file that did not compile.
    if not (f.get("safety") or f.get("hosts")) or not (f.get("scan") or "compile" in result or not f.get("compile")):
        return result
    text = data.decode("utf-8", "ignore")
    try:
        tree = ast.parse(text, filename=f["name"])
    except (SyntaxError, ValueError) as err:
        result["parse_error"] = {"line": getattr(err, "lineno", None) or 1, "message": getattr(err, "msg", str(err))}
        return result
    if f.get("safety"):
        visitor = Safety(text)
        visitor.visit(tree)
        result["safety"] = visitor.found
    if f.get("hosts"):
        result["literals"], result["calls"], result["runtime"] = hosts(tree)
    return result


def main():
    request = json.load(sys.stdin)
    json.dump({"results": [check(f) for f in request["files"]]}, sys.stdout)


if __name__ == "__main__":
    sys.setrecursionlimit(10000)
    main()
