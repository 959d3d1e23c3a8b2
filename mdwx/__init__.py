"""mdwx: publish Markdown to WeChat Official Accounts.

The package is a pipeline (read → render → resolve → publish); the command line in
:mod:`mdwx.cli.main` is a thin shell over the library API re-exported lazily here, so that
``import mdwx`` (and ``mdwx --help``) stays fast.
"""

__version__ = "0.1.0"
