#!/usr/bin/env python3
"""py-receiver.py -- a webhook receiver on Python's http.server (threaded,
HTTP/1.1 keep-alive). Each request is written as one JSON file to DIR.

    python3 py-receiver.py DIR PORTFILE
"""
import itertools
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIR, PORT_FILE = sys.argv[1], sys.argv[2]
SEQ = itertools.count(1)


def write_atomically(name, text):
    with open(name + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.rename(name + ".tmp", name)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = headers[key] + ", " + value if key in headers else value
        record = {"receiver": "python", "method": self.command, "path": self.path,
                  "headers": headers, "body": body.decode("utf-8")}
        name = os.path.join(DIR, "python-%d-%d.json" % (os.getpid(), next(SEQ)))
        write_atomically(name, json.dumps(record))
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    def log_message(self, format, *args):  # keep stderr for errors only
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
write_atomically(PORT_FILE, str(server.server_address[1]))
server.serve_forever()
