"""A small scriptable HTTP server on 127.0.0.1, port 0, in a background thread.

Each test scripts the replies (status, headers, body, delay, or a hang) and reads
back the requests it received. The fakes of OpenAI, Gemini and Anthropic build on it,
so the real SDKs talk to it over real HTTP.
"""

import json
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """One scripted answer. `body`: a dict or list is sent as JSON, a str as it is."""

    status: int = 200
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    hang: bool = False  # never answer (the request waits until the server stops)


@dataclass(frozen=True)
class Call:
    """One request the server received."""

    method: str
    path: str
    headers: Mapping[str, str]  # names in lower case
    body: Any  # parsed JSON, or the raw text when it is not JSON
    key: str | None  # the routing key, e.g. the model name


def hang() -> Reply:
    return Reply(hang=True)


NOTHING_SCRIPTED = Reply(500, {"error": {"message": "fake: no reply scripted", "code": 500}})


class ScriptedServer:
    """Replies from per-key queues (falling back to the shared queue, then `default`)."""

    def __init__(self) -> None:
        self.default: Reply = NOTHING_SCRIPTED
        self.responder: Callable[[Call], Reply | None] | None = None
        self.calls: list[Call] = []
        self._queues: dict[str | None, deque[Reply]] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- scripting ---------------------------------------------------------------

    def push(self, *replies: Reply, key: str | None = None) -> None:
        """Queues replies, for requests routed to `key` (None: any request)."""
        with self._lock:
            self._queues.setdefault(key, deque()).extend(replies)

    def count(self, key: str | None = None) -> int:
        """Requests received, for one key or in all."""
        with self._lock:
            return sum(1 for call in self.calls if key is None or call.key == key)

    def reset(self) -> None:
        """Forgets the received requests and the queued replies."""
        with self._lock:
            self.calls.clear()
            self._queues.clear()
            self.default = NOTHING_SCRIPTED
            self.responder = None

    def route(self, method: str, path: str, body: Any) -> str | None:
        """The routing key of a request, or raise LookupError for a 404. Subclasses narrow."""
        return None

    def refuse(self, call: Call) -> Reply | None:
        """The error the real service gives a request it would never serve (a schema it
        does not accept...), or None. Checked before any scripted reply is taken."""
        return None

    def finish(self, call: Call, reply: Reply) -> Reply:
        """The reply as sent: a fake may complete a scripted reply from the request (Claude's
        tool name) or refuse to send one the real service could never give."""
        return reply

    def respond(self, call: Call) -> Reply | None:
        """The reply when nothing is queued (None: `default`); `responder` answers by default,
        so a test can answer from the request itself."""
        return self.responder(call) if self.responder is not None else None

    # -- lifecycle -----------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._httpd is not None, "server not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> "ScriptedServer":
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        httpd.daemon_threads = True
        httpd.block_on_close = False
        self._httpd = httpd
        # A short poll interval makes stop() quick.
        self._thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases hanging requests
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> "ScriptedServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- serving (handler threads) -------------------------------------------------

    def _next_reply(self, call: Call) -> Reply:
        with self._lock:
            self.calls.append(call)
            refused = self.refuse(call)
            if refused is not None:
                return refused
            for key in (call.key, None):
                queue = self._queues.get(key)
                if queue:
                    return queue.popleft()
        return self.respond(call) or self.default

    def _wait(self, reply: Reply) -> bool:
        """Sleeps as scripted; False when the reply must never be sent."""
        if reply.hang:
            self._stopping.wait(timeout=120)
            return False
        if reply.delay:
            return not self._stopping.wait(timeout=reply.delay)
        return True


def _handler_for(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the SDKs' pools expect
        disable_nagle_algorithm = True  # headers and body go out in separate writes

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet tests

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            body = _parse(raw)
            try:
                key = server.route(self.command, self.path, body)
            except LookupError:
                self._send(Reply(404, {"error": {"message": f"no route {self.path}"}}))
                return
            headers = {name.lower(): value for name, value in self.headers.items()}
            call = Call(self.command, self.path, headers, body, key)
            reply = server.finish(call, server._next_reply(call))
            if server._wait(reply):
                self._send(reply)
            else:
                self.close_connection = True

        def _send(self, reply: Reply) -> None:
            body = reply.body
            data = (body if isinstance(body, str) else json.dumps(body)).encode()
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (timeout): fine

    return Handler


def _parse(raw: str) -> Any:
    try:
        return json.loads(raw) if raw else None
    except json.JSONDecodeError:
        return raw
