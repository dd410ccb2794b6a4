#!/usr/bin/env python3
"""Holds idle keep-alive connections open through a proxy, for the proxy benchmark's memory figure.

    idle-connections.py PORT COUNT [--tls]

Opens COUNT connections to 127.0.0.1:PORT (TLS without verification when --tls), sends one request
for /index.html with Host: bench.test on each and reads its whole answer (Content-Length), so that
every connection has served a request and sits idle as a browser's would. Prints "ready" once all
are open, then keeps them until stdin closes. Exits 1 with the reason if any connection fails.
"""
import socket
import ssl
import sys

REQUEST = b"GET /index.html HTTP/1.1\r\nHost: bench.test\r\n\r\n"


def read_answer(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the answer's head")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise ConnectionError("answered " + head.split(b"\r\n")[0].decode(errors="replace"))
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed mid-answer")
        body += chunk


def main():
    port, count, tls = int(sys.argv[1]), int(sys.argv[2]), "--tls" in sys.argv[3:]
    context = None
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    held = []
    try:
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            if context:
                sock = context.wrap_socket(sock, server_hostname="bench.test")
            sock.sendall(REQUEST)
            read_answer(sock)
            held.append(sock)
    except (OSError, ConnectionError) as error:
        print(f"connection {len(held) + 1} of {count} to port {port}: {error}", file=sys.stderr)
        sys.exit(1)
    print("ready", flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    main()
