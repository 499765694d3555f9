#!/usr/bin/python3
"""mail-parse.py -- what a mail client reads from a message: parses FILE
with Python's email package (policy.default, RFC 5322 and MIME) and prints
a JSON object of its headers (decoded) and its text parts (decoded).

    mail-parse.py FILE
"""
import email
import email.policy
import email.utils
import json
import sys

with open(sys.argv[1], "rb") as f:
    msg = email.message_from_binary_file(f, policy=email.policy.default)

parts = []
for part in msg.walk():
    if part.is_multipart():
        continue
    parts.append({
        "type": part.get_content_type(),
        "charset": part.get_content_charset(),
        "cte": part.get("Content-Transfer-Encoding"),
        "content": part.get_content(),
    })
date = msg["Date"]
print(json.dumps({
    "subject": str(msg["Subject"]),
    "from": str(msg["From"]),
    "to": [a.addr_spec for a in msg["To"].addresses],
    "reply_to": str(msg["Reply-To"]) if msg["Reply-To"] else None,
    "date_utc": email.utils.parsedate_to_datetime(date).isoformat() if date else None,
    "message_id": str(msg["Message-ID"]),
    "task_id": msg["X-Tasksched-Task-Id"],
    "attempt": msg["X-Tasksched-Attempt"],
    "mime_version": msg["MIME-Version"],
    "content_type": msg.get_content_type(),
    "defects": [type(d).__name__ for d in msg.defects] +
               [type(d).__name__ for p in msg.walk() for d in p.defects],
    "header_names": list(msg.keys()),
    "parts": parts,
}, ensure_ascii=False))
