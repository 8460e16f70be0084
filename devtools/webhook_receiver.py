"""A webhook receiver on loopback, for tests, the bench and `make run`: it records every POST
(headers and body) and answers as told.

    python -m devtools.webhook_receiver --port 18744   # prints what it receives

    with WebhookReceiver() as receiver:                 # in-process, a free port
        receiver.url                                    # http://127.0.0.1:<port>/hook
        receiver.fail_next(3)                           # the next 3 POSTs answer 503
        receiver.received()                             # [Received(headers, body, status)]

Modes (`receiver.mode`): "ok" (204), "redirect" (302 to another path), "big" (200 with a body of
a megabyte), "slow" (sleeps `delay` seconds before answering 200)."""

from __future__ import annotations

import argparse
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    status: int


class WebhookReceiver:
    def __init__(self, port: int = 0) -> None:
        self._lock = threading.Lock()
        self._log: list[Received] = []
        self._failures = 0
        self.mode = "ok"
        self.delay = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                status, payload, extra, delay = receiver._answer()
                # Logged on arrival: a slow answer must not land in a later test's log.
                with receiver._lock:
                    receiver._log.append(Received(dict(self.headers.items()), body, status))
                time.sleep(delay)
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _answer(self) -> tuple[int, bytes, dict[str, str], float]:
        with self._lock:
            if self._failures > 0:
                self._failures -= 1
                return 503, b"receiver down", {}, 0.0
            mode, delay = self.mode, self.delay
        if mode == "redirect":
            return 302, b"", {"location": "/elsewhere"}, 0.0
        if mode == "big":
            return 200, b"x" * 1_000_000, {}, 0.0
        if mode == "slow":
            return 200, b"late", {}, delay
        return 204, b"", {}, 0.0

    def fail_next(self, count: int) -> None:
        with self._lock:
            self._failures = count

    def received(self) -> list[Received]:
        with self._lock:
            return list(self._log)

    def reset(self) -> None:
        with self._lock:
            self._log.clear()
            self._failures = 0
            self.mode, self.delay = "ok", 0.0

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=18744)
    args = parser.parse_args()
    with WebhookReceiver(args.port) as receiver:
        print(f"Receiving at {receiver.url}", flush=True)
        seen = 0
        try:
            while True:
                time.sleep(0.5)
                for item in receiver.received()[seen:]:
                    print(item.headers.get("webhook-id"), item.body.decode(errors="replace"))
                seen = len(receiver.received())
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
