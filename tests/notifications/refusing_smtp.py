"""The loopback SMTP server of tests/matching/smtp.py, refusing chosen recipients with „550“ as a real
server does for an unknown mailbox: the mail to them fails, the others are delivered."""

from __future__ import annotations

import threading

from tests.matching import smtp


class _Refusing(smtp._Handler):
    def setup(self) -> None:
        super().setup()
        reader = self.rfile
        handler = self

        class _Recorder:
            def readline(self, *args):
                line = reader.readline(*args)
                handler.last = line
                return line

        self.last = b""
        self.rfile = _Recorder()

    def _say(self, line: str) -> None:
        last = self.last.decode("utf-8", "replace")
        if line == "250 OK" and last[:4].upper() == "RCPT":
            address = last.split(":", 1)[1].strip(" <>\r\n")
            if address in self.server.refuse:
                super()._say("550 Postfach unbekannt")
                return
        super()._say(line)


def start_refusing(refuse: set[str]) -> tuple[smtp._Server, smtp.SMTPServer]:
    server = smtp._Server(("127.0.0.1", 0), _Refusing)
    server.inbox = []
    server.refuse = refuse
    threading.Thread(target=server.serve_forever, daemon=True).start()
    handle = smtp.SMTPServer(server.server_address[1])
    handle.inbox = server.inbox
    return server, handle
