"""More fence names writers use that Pygments does not register (issue 17's real sites).

``MORE_ALIASES`` maps a name to the lexer Pygments knows it by (``hbs`` is Handlebars,
``mjs`` JavaScript, ``gitconfig`` INI); ``PLAIN_FILES`` are file kinds with no lexer at all
(ignore-pattern lists, lock files, pip requirements), shown as plain text without a warning,
like ``text`` or ``log``. Names are lower case, as :func:`mdwx.render.code.fence_language`
gives them.
"""

from __future__ import annotations

MORE_ALIASES: dict[str, str] = {
    "hbs": "handlebars",
    "mustache": "handlebars",
    "gitconfig": "ini",
    "editorconfig": "ini",
    "htaccess": "apacheconf",
    "mk": "make",
    "mjs": "javascript",
    "cjs": "javascript",
    "node": "javascript",
    "deno": "typescript",
    "ts-node": "typescript",
    "svelte": "html",
    "astro": "html",
    "xhtml": "html",
    "ejs": "html",
    "mdx": "markdown",
    "terminal": "console",
    "zsh-session": "console",
    "curl": "bash",
    "wget": "bash",
    "pgsql": "postgresql",
    "sqlite": "sql",
    "gql": "graphql",
    "jsonl": "json",
    "ndjson": "json",
    "cc": "cpp",
    "hpp": "cpp",
    "h": "c",
    "x86asm": "nasm",
    "sol": "solidity",
    "containerfile": "docker",
    "jinja2": "jinja",
    "nunjucks": "jinja",
    "njk": "jinja",
    "fs": "fsharp",
    "aspx": "aspx-cs",
    "ino": "arduino",
    "shader": "glsl",
    "ir": "llvm",
    "xsl": "xml",
    "wsdl": "xml",
}

PLAIN_FILES = frozenset(
    {
        "ignore",
        "gitignore",
        "dockerignore",
        "npmignore",
        "gitattributes",
        "requirements",
        "lock",
        "gomod",
        "go.mod",
        "sum",
        "regex",
        "regexp",
        "asciidoc",
        "adoc",
        "wiki",
        "textile",
        "url",
    }
)
