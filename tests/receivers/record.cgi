#!/usr/bin/python3
"""record.cgi -- a webhook receiver as a CGI program, run by Apache httpd's
mod_cgid and lighttpd's mod_cgi: it writes what the web server handed it as
one JSON file to $RECEIVER_DIR and answers 200. Header names are rebuilt
from the CGI variables (HTTP_X_TASKSCHED_TASK_ID -> x-tasksched-task-id)."""
import json
import os
import sys
import uuid

env = os.environ
length = int(env.get("CONTENT_LENGTH") or 0)
body = sys.stdin.buffer.read(length) if length else b""
headers = {}
for key, value in env.items():
    if key.startswith("HTTP_"):
        headers[key[5:].lower().replace("_", "-")] = value
for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
    if key in env:
        headers[key.lower().replace("_", "-")] = env[key]
record = {"receiver": env.get("RECEIVER_NAME", "cgi"), "method": env["REQUEST_METHOD"],
          "path": env.get("REQUEST_URI", ""), "headers": headers,
          "body": body.decode("utf-8")}
name = os.path.join(env["RECEIVER_DIR"], "%s-%s.json" % (record["receiver"], uuid.uuid4()))
with open(name + ".tmp", "w", encoding="utf-8") as f:
    f.write(json.dumps(record))
os.rename(name + ".tmp", name)
sys.stdout.write("Status: 200 OK\r\nContent-Type: text/plain\r\n\r\nok")
