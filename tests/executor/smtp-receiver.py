#!/usr/bin/python3
"""smtp-receiver.py -- a real SMTP server for the mail tests (aiosmtpd).

    smtp-receiver.py PORT DIR [--starttls|--tls CERT KEY]

Listens on 127.0.0.1:PORT and stores each message it accepts as
DIR/<n>.eml (the bytes as received), with one JSON line per message in
DIR/envelopes.jsonl: {"file", "mail_from", "rcpt_tos", "tls"}, where
"tls" is the TLS version the session used, or null when it was plain.
With --starttls it offers STARTTLS with the certificate CERT and refuses
everything but EHLO, STARTTLS and QUIT before it (require_starttls);
with --tls the connection is TLS from the start (smtps). Scripted answers
by recipient local part: "tempfail-once..." gets 451 the first time it is
given and is accepted afterwards; "tempfail..." always gets 451;
"reject..." gets 550. Every RCPT answer is logged to DIR/rcpt.log.
"""
import asyncio
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP


class Handler:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0
        self.seen = set()

    def _log(self, line):
        with open(os.path.join(self.outdir, "rcpt.log"), "a") as f:
            f.write(line + "\n")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0]
        if local.startswith("tempfail-once") and address not in self.seen:
            self.seen.add(address)
            answer = "451 4.3.0 Try again later"
        elif local.startswith("tempfail") and not local.startswith("tempfail-once"):
            answer = "451 4.3.0 Try again later"
        elif local.startswith("reject"):
            answer = "550 5.1.1 No such user here"
        else:
            envelope.rcpt_tos.append(address)
            answer = "250 OK"
        self._log("%s %s" % (address, answer))
        return answer

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = "%d.eml" % self.count
        with open(os.path.join(self.outdir, name), "wb") as f:
            f.write(envelope.original_content or envelope.content)
        tls = server.transport.get_extra_info("ssl_object")
        entry = {"file": name, "mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                 "tls": tls.version() if tls else None}
        with open(os.path.join(self.outdir, "envelopes.jsonl"), "a") as f:
            f.write(json.dumps(entry) + "\n")
        return "250 Message accepted for delivery"


async def main(port, outdir, mode=None, cert=None, key=None):
    loop = asyncio.get_running_loop()
    handler = Handler(outdir)
    context = None
    if mode:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
    starttls = mode == "--starttls"
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="receiver.test", decode_data=False,
                     tls_context=context if starttls else None, require_starttls=starttls),
        host="127.0.0.1", port=port, ssl=context if mode == "--tls" else None)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    with open(os.path.join(outdir, "ready"), "w") as f:
        f.write("%d\n" % port)
    await stop.wait()
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2], *sys.argv[3:6]))
