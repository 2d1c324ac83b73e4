"""HTTPS for the model: a certificate authority made when a model starts, and a certificate for the host.

trustme makes both in memory (no files, no openssl binary). The CA's PEM is written to a private
temporary folder so clients that verify certificates (``curl --cacert``) can trust the model; Scrapy does
not verify by default. Each running model has its own CA, dropped when the model closes.
"""

from __future__ import annotations

import shutil
import ssl
import tempfile
from pathlib import Path

import trustme


class TlsIdentity:
    """The server side of TLS for ``host``: an SSL context and the CA that signed its certificate."""

    def __init__(self, host: str) -> None:
        ca = trustme.CA(organization_name="minzu-archive site model")
        cert = ca.issue_cert(host)
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(self.context)
        self.ca_pem = ca.cert_pem.bytes()
        self._folder = Path(tempfile.mkdtemp(prefix="sitemodel-ca-"))
        self.ca_path = self._folder / "ca.pem"
        self.ca_path.write_bytes(self.ca_pem)

    def close(self) -> None:
        shutil.rmtree(self._folder, ignore_errors=True)
