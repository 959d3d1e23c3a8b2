"""mdwx's version and the folder it runs from, for the modules that name either.

Apart from the package's ``__init__`` (a lazy facade over :mod:`mdwx.api`), so a module low in
the pipeline (the fetcher's User-Agent, the themes' folder, the unchanged-post digest) need
not import the facade. The build reads the version from here.
"""

from pathlib import Path

__version__ = "0.1.0"

#: The folder of the ``mdwx`` package: its modules, and ``templates/`` in an installed wheel.
PACKAGE_DIR = Path(__file__).parent
