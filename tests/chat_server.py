"""A real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions API (JSON and SSE
streaming), answering from a script. Used by the LLM tests; not a pytest module.

A script is a callable ``(request_json, n) -> Reply`` or a list of replies served in order (the
last one repeats). Every request body is kept, raw, in ``server.bodies``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    text: str = ""
    status: int = 200
    delay_s: float = 0.0
    error: str = ""  # provider error message for a non-200 status
    usage: bool = True


Script = Callable[[dict[str, Any], int], Reply] | list[Reply]


class ChatServer:
    def __init__(self, script: Script, port: int = 0) -> None:
        self.script = script
        self.bodies: list[bytes] = []
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> ChatServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _next(self, request: dict[str, Any]) -> Reply:
        with self._lock:
            n = len(self.requests)
            self.requests.append(request)
        if callable(self.script):
            return self.script(request, n)
        return self.script[min(n, len(self.script) - 1)]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # /v1/models
                self._json(200, {"object": "list", "data": [{"id": "test-model", "object": "model"}]})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with server._lock:
                    server.bodies.append(body)
                request = json.loads(body or b"{}")
                reply = server._next(request)
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                if reply.status != 200:
                    self._json(reply.status, {"error": {"message": reply.error or "error",
                                                        "type": "error", "code": reply.status}})
                elif request.get("stream"):
                    self._stream(request, reply)
                else:
                    self._json(200, _completion(request, reply))

            def _json(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    if status == 429:
                        self.send_header("Retry-After", "0")
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _stream(self, request: dict[str, Any], reply: Reply) -> None:
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    for piece in _pieces(reply.text, 7):
                        self._event(_chunk(request, {"content": piece}, None))
                    self._event(_chunk(request, {}, "stop"))
                    if reply.usage:
                        usage = _chunk(request, {}, None)
                        usage["choices"] = []
                        usage["usage"] = _usage(request, reply.text)
                        self._event(usage)
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                    self.close_connection = True
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _event(self, payload: dict[str, Any]) -> None:
                self.wfile.write(b"data: " + json.dumps(payload).encode() + b"\n\n")
                self.wfile.flush()

        return Handler


def _pieces(text: str, n: int) -> list[str]:
    return [text[i : i + n] for i in range(0, len(text), n)] or [""]


def _usage(request: dict[str, Any], text: str) -> dict[str, int]:
    prompt = sum(len(str(m.get("content", ""))) for m in request.get("messages", [])) // 4 + 1
    completion = len(text) // 4 + 1
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _completion(request: dict[str, Any], reply: Reply) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "test-model"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": reply.text},
                     "finish_reason": "stop"}],
    }
    if reply.usage:
        out["usage"] = _usage(request, reply.text)
    return out


def _chunk(request: dict[str, Any], delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": request.get("model", "test-model"),
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def last_user_text(request: dict[str, Any]) -> str:
    msgs = [m for m in request.get("messages", []) if m.get("role") == "user"]
    return str(msgs[-1].get("content", "")) if msgs else ""
