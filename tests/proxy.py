"""A small TLS-terminating reverse proxy, as a test harness: it listens on loopback, forwards to
the app with `Host` set to the upstream (as nginx's `proxy_pass` does by default) and the
original request described in `X-Forwarded-Proto: https`, `X-Forwarded-Host`, `X-Forwarded-Port`
and `X-Forwarded-For`, the way a proxy that took the HTTPS connection would. The TLS itself is
left out: what the app must get right is believing those headers, which is all it sees."""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
}


class ReverseProxy:
    def __init__(
        self, upstream_port: int, public_host: str = "dashboard.example", client_ip: str = "203.0.113.7"
    ):
        self.upstream_port = upstream_port
        self.public_host = public_host  # the name users type; the proxy's certificate would say it
        self.client_ip = client_ip  # the address the proxy saw the user connect from
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP | {"host"}}
                headers.update(
                    {
                        "Host": f"127.0.0.1:{proxy.upstream_port}",
                        "X-Forwarded-Proto": "https",
                        "X-Forwarded-Host": proxy.public_host,
                        "X-Forwarded-Port": "443",
                        "X-Forwarded-For": proxy.client_ip,
                    }
                )
                upstream = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=60)
                try:
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    answer = upstream.getresponse()
                    data = answer.read()
                    self.send_response(answer.status, answer.reason)
                    for key, value in answer.getheaders():
                        if key.lower() not in HOP_BY_HOP | {"content-length"}:
                            self.send_header(key, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                finally:
                    upstream.close()

            do_GET = do_POST = do_HEAD = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
