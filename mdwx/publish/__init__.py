"""Publish: resolve assets to WeChat references, upload videos, plan, submit and follow review through a backend, remember (state)."""
