#!/usr/bin/env python3
"""An upstream for cape-proxyd's tests: a real HTTP/1.1 server (Python's http.server, threaded).

    upstream.py PORT NAME [unhealthy]

GET|POST|... /echo...   JSON: the server's name, method, path, headers, body length (chunked bodies read)
GET /slow?ms=N         answers after N ms
GET /inflight?id=X     JSON: how many /slow?id=X requests it is answering now
GET /drop              closes the connection without answering
GET /stream?chunks=N   a chunked response of N chunks
GET /tunnel            Upgrade: echo -> 101, then every byte sent back
GET /health            200, or 503 when started "unhealthy"
"""
import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

NAME = sys.argv[2]
HEALTHY = len(sys.argv) < 4 or sys.argv[3] != "unhealthy"
SLOW = {"count": {}, "lock": threading.Lock()}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def body_length(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            total = 0
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return total
                total += len(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length", "0"))
        return len(self.rfile.read(length)) if length else 0

    def send(self, status, payload, content_type="application/json"):
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def handle_any(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        if url.path == "/drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if url.path == "/health":
            self.send(200 if HEALTHY else 503, {"server": NAME, "healthy": HEALTHY})
            return
        if url.path == "/inflight":
            tag = query.get("id", [""])[0]
            self.send(200, {"server": NAME, "slow": SLOW["count"].get(tag, 0)})
            return
        if url.path == "/slow":
            tag = query.get("id", [""])[0]
            with SLOW["lock"]:
                SLOW["count"][tag] = SLOW["count"].get(tag, 0) + 1
            time.sleep(int(query.get("ms", ["1000"])[0]) / 1000)
            with SLOW["lock"]:
                SLOW["count"][tag] -= 1
        if url.path == "/stream":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(int(query.get("chunks", ["3"])[0])):
                piece = ("chunk %d;" % i).encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            return
        if url.path == "/tunnel" and self.headers.get("Upgrade", "").lower() == "echo":
            self.send_response(101)
            self.send_header("Upgrade", "echo")
            self.send_header("Connection", "Upgrade")
            self.end_headers()
            self.wfile.flush()
            while True:
                data = self.connection.recv(65536)
                if not data:
                    break
                self.connection.sendall(data)
            self.close_connection = True
            return
        self.send(200, {
            "server": NAME,
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "bodyLength": self.body_length(),
        })

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
