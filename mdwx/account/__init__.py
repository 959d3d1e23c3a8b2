"""Working an account beyond publishing: ``doctor``, what the account holds (``list``,
``reconcile``), the material library (``materials``), comments and analytics (``stats``).

Each module is a library call returning a typed result (:mod:`mdwx.account.types`); the
command line (:mod:`mdwx.cli.account`) only prints them. See ``docs/account.md``.
"""
