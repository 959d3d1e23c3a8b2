"""The two WeChat APIs mdwx publishes through, behind one small interface.

Everything that differs between the media API (``cgi-bin/publish/*``, the contract) and the
draft-box API (``cgi-bin/draft/*`` + ``cgi-bin/freepublish/*``, docs/wechat/draft-api.md) lives in
one module per backend: :mod:`mdwx.publish.backends.media` and :mod:`mdwx.publish.backends.draft`. Rendering,
assets, the state, the plan and the CLI call a :class:`Backend` and never ask which one it is.

What a backend decides:

- which limits apply, which posts it can publish at all and what it asks of the cover
  (:class:`Rules`: :meth:`Rules.check`, :meth:`Rules.check_cover`): its offline rules, made
  without a client by :func:`make_rules` and applied by ``check``, ``build`` and ``publish``
  alike (:func:`mdwx.publish.rules.apply_rules`);
- the article's JSON (:meth:`Backend.payload`) and the call that creates it, changes it while
  it is unsubmitted (``publish/update`` index 1 vs ``draft/update`` index 0), submits it;
- how a submission is followed (status strings vs ``publish_id`` → ``publish_status``), where
  the URL comes from, and how a lost submit answer is settled (:meth:`Backend.progress`,
  :meth:`Backend.settle`);
- how an article is deleted (``media_id`` vs ``article_id``, :meth:`Backend.delete`).
"""

from __future__ import annotations

from mdwx.config import SiteConfig
from mdwx.config_tables import BACKENDS
from mdwx.errors import ConfigError
from mdwx.publish.backends.base import Backend, Gone, Rules
from mdwx.publish.wechat_api import WeChatAPI

__all__ = ["BACKENDS", "Backend", "Gone", "Rules", "backend_name", "make_backend", "make_rules"]


def backend_name(config: SiteConfig, chosen: str | None = None) -> str:
    """The backend a run uses: ``--backend`` when given, else the site's ``backend``."""
    name = chosen or config.backend
    if name not in BACKENDS:
        raise ConfigError(f"backend must be one of {', '.join(BACKENDS)}, not {name!r}")
    return name


def make_backend(name: str, client: WeChatAPI, config: SiteConfig) -> Backend:
    """The backend called ``name`` (see :data:`mdwx.config.BACKENDS`) over ``client``."""
    if name == "draft":
        from mdwx.publish.backends.draft import DraftBackend

        return DraftBackend(client, config)
    if name == "media":
        from mdwx.publish.backends.media import MediaBackend

        return MediaBackend(client, config)
    raise ConfigError(f"backend must be one of {', '.join(BACKENDS)}, not {name!r}")


def make_rules(name: str, config: SiteConfig) -> Rules:
    """The offline rules of the backend called ``name`` for a site (or account) ``config``."""
    if name == "draft":
        from mdwx.publish.backends.offline_rules import DraftRules

        return DraftRules(config)
    if name == "media":
        from mdwx.publish.backends.offline_rules import MediaRules

        return MediaRules(config)
    raise ConfigError(f"backend must be one of {', '.join(BACKENDS)}, not {name!r}")
