"""One TLS context per process for every HTTP client mdwx makes.

httpx builds a new ``ssl.SSLContext`` for every client it creates and loads the whole CA
bundle into it (certifi's, or the file or folder ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``
name): 25–60 ms of processor time per client, even for a plain-HTTP loopback sandbox
that never shakes hands. mdwx makes one client per publishing run, per fetched picture
and per relay, so a site's run paid it many times over. A context holds no per-connection
state and may serve any number of clients, so the same one is handed to all of them.

The context is made the way httpx makes its own (``httpx.create_ssl_context``): the same
certificates, the same verification. It is made again when ``SSL_CERT_FILE`` or
``SSL_CERT_DIR`` change, so a program that sets them later is still obeyed.
"""

from __future__ import annotations

import functools
import os
import ssl

import httpx


def ssl_context(*, trust_env: bool = True) -> ssl.SSLContext:
    """The verifying TLS context for a client; ``trust_env`` as httpx's own argument (the
    ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` variables are read only when it is true).

    Pass it as ``verify=`` to ``httpx.AsyncClient``. Raises what ``ssl`` raises for a
    certificate file or folder that cannot be read, as httpx would.
    """
    if not trust_env:
        return _context(None, None)
    return _context(os.environ.get("SSL_CERT_FILE") or None, os.environ.get("SSL_CERT_DIR") or None)


@functools.lru_cache(maxsize=8)
def _context(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    if cert_file is not None:
        return ssl.create_default_context(cafile=cert_file)
    if cert_dir is not None:
        return ssl.create_default_context(capath=cert_dir)
    return httpx.create_ssl_context(verify=True, trust_env=False)  # certifi's bundle
