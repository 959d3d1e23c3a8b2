"""``mdwx relay``: forward WeChat API calls from machines whose IP is not whitelisted.

The relay runs on the one machine whose IP the accounts whitelist, holds their AppSecrets
and tokens, and forwards calls from clients that carry a relay key instead
(:mod:`mdwx.wechat.relay` is the client's side). Keys are per client and account, hashed,
limited to the operations they allow (:mod:`.operations`) and rate-limited; every call is
logged without secrets. See docs/relay.md.
"""

from mdwx.relay.app import RelayCore, create_relay_app
from mdwx.relay.keys import KeyStore, RelayKey
from mdwx.relay.operations import ENDPOINTS, OPERATIONS
from mdwx.relay.server import RelayServer, build_core, run_relay
from mdwx.relay.settings import RelaySettings, load_relay_settings

__all__ = [
    "ENDPOINTS",
    "OPERATIONS",
    "KeyStore",
    "RelayCore",
    "RelayKey",
    "RelayServer",
    "RelaySettings",
    "build_core",
    "create_relay_app",
    "load_relay_settings",
    "run_relay",
]
