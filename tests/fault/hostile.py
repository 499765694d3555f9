#!/usr/bin/env python3
"""hostile.py -- misbehaving webhook receivers for tests/fault/hostile-targets.test.

Listens on 127.0.0.1 (and one canary on 127.0.0.2), one ephemeral port per
behaviour, a thread per connection:

  hang      reads the request, never answers
  reset     closes the connection at once with a TCP RST (SO_LINGER 0)
  trickle   sends a 200 status line and headers announcing 100000 bytes,
            then one body byte every 0.5 s
  bigheader sends a 200 status line, then one header line that never ends
            (up to 10 MB, as fast as the client reads)
  redirect  answers 302 with Location: http://127.0.0.1:<sink port>/redirected
  canary    (127.0.0.2) must never see a connection: the SSRF guard refuses
            that address before connecting

Usage: hostile.py PORTFILE LOGFILE SINKPORT. PORTFILE gets "name port"
lines, written atomically once every socket listens; LOGFILE gets one line
per connection: "unix_time name". Stops on SIGTERM.
"""
import os
import signal
import socket
import struct
import sys
import threading
import time

portfile, logfile, sink_port = sys.argv[1], sys.argv[2], int(sys.argv[3])
log_lock = threading.Lock()


def log(name):
    with log_lock, open(logfile, "a") as f:
        f.write("%.6f %s\n" % (time.time(), name))


def read_request(conn):
    """Reads up to the end of the headers (bodies here are small)."""
    data = b""
    conn.settimeout(30)
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def hang(conn):
    read_request(conn)
    # Keep the connection open until the client gives up.
    while conn.recv(4096):
        pass


def reset(conn):
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def trickle(conn):
    read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n")
    for _ in range(100000):
        conn.sendall(b"x")
        time.sleep(0.5)


def bigheader(conn):
    read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Big: ")
    chunk = b"a" * 65536
    for _ in range(160):
        conn.sendall(chunk)


def redirect(conn):
    read_request(conn)
    body = b"moved\n"
    conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:%d/redirected\r\n"
                 b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (sink_port, len(body), body))


def canary(conn):
    read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")


def serve(name, handler, sock):
    while True:
        conn, _ = sock.accept()
        log(name)

        def run(conn=conn):
            try:
                handler(conn)
            except OSError:
                pass
            finally:
                conn.close()

        threading.Thread(target=run, daemon=True).start()


def main():
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    behaviours = [("hang", hang, "127.0.0.1"), ("reset", reset, "127.0.0.1"),
                  ("trickle", trickle, "127.0.0.1"), ("bigheader", bigheader, "127.0.0.1"),
                  ("redirect", redirect, "127.0.0.1"),
                  ("canary", canary, "127.0.0.2")]
    lines = []
    for name, handler, addr in behaviours:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, 0))
        s.listen(64)
        lines.append("%s %d\n" % (name, s.getsockname()[1]))
        threading.Thread(target=serve, args=(name, handler, s), daemon=True).start()
    open(logfile, "a").close()
    with open(portfile + ".tmp", "w") as f:
        f.writelines(lines)
    os.rename(portfile + ".tmp", portfile)
    while True:
        time.sleep(3600)


main()
