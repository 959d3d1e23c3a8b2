"""Pelican's namespace plugin ``mdwx``: ``PLUGINS = ["mdwx"]`` publishes ``wechat: true``
articles to WeChat after the build. The code and its settings are in
:mod:`mdwx.integrations.pelican`."""

from mdwx.integrations.pelican import register

__all__ = ["register"]
