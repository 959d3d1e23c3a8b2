"""The live preview's page: the phone frame of :mod:`mdwx.render.preview`, plus a toolbar
(dark mode, **Copy for the WeChat editor**), the post's warnings and error, and a script
that swaps in each new version of the article as the server announces it (server-sent
events on ``/events``), keeping the reader's scroll position.

Everything from the post outside the article (title, warnings, error text) is escaped on
the server and set with ``textContent`` in the browser; the article is the sanitized
``content`` HTML.
"""

from __future__ import annotations

import json
from html import escape

from mdwx.preview.snapshot import Snapshot
from mdwx.render.darkmode import dark_mode
from mdwx.render.preview import DARK_SCOPE, PAGE_CSS, content_security_policy, meta_html
from mdwx.render.preview_words import clock_time, date_time, site_zone, words_for

LIVE_CSS = """
.bar button { font: inherit; padding: 5px 10px; border-radius: 6px; border: 1px solid #07c160;
  background: #07c160; color: #fff; cursor: pointer; }
.bar button:disabled { opacity: .6; cursor: progress; }
#status { flex-basis: 100%; min-height: 1em; color: #07c160; }
#status.failed { color: #c62828; }
.notes { width: 390px; max-width: 100%; box-sizing: border-box; margin: 0 auto 12px; padding: 0 4px; font-size: 13px; }
.notes:empty { display: none; }
.notes p { margin: 0 0 6px; padding: 8px 10px; border-radius: 6px; overflow-wrap: anywhere; }
.notes .error { background: #fdecea; color: #b71c1c; border-left: 4px solid #c62828; }
.notes .warning { background: #fff8e1; color: #6d4c00; border-left: 4px solid #f9a825; }
.notes .note { background: #e8f0fe; color: #1a3e72; border-left: 4px solid #4a78c2; }
body.stale .content { opacity: .45; }
@media (max-width: 480px) { .notes { padding: 8px 12px 0; margin: 0; } }
"""

PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
<style id="dark-css">{dark_css}</style>
</head>
<body data-version="{version}" class="{body_class}" data-words="{words}">
<div class="bar">
<span id="chars">{chars}</span>
<span id="updated">{updated}</span>
<label><input type="checkbox" id="dark"> {dark}</label>
<button type="button" id="copy">{copy}</button>
<span id="status" role="status"></span>
</div>
<div class="notes" id="notes">{notes}</div>
<div class="phone"><div class="screen">
<div class="meta" id="meta">{meta}</div>
<div class="content" id="article">{article}</div>
</div></div>
<script>{script}</script>
</body>
</html>
"""

SCRIPT = r"""
"use strict";
const $ = (id) => document.getElementById(id);
let version = Number(document.body.dataset.version);
const words = JSON.parse(document.body.dataset.words);
const said = (key, values) => words[key].replace(/\{(\w+)\}/g, (_, name) => String(values[name]));

function say(text, failed) {
  $("status").textContent = text;
  $("status").classList.toggle("failed", Boolean(failed));
}

function line(kind, text) {
  const p = document.createElement("p");
  p.className = kind;
  p.textContent = text;
  return p;
}

function show(doc) {
  const notes = $("notes");
  notes.replaceChildren();
  if (doc.error) notes.append(line("error", doc.error));
  for (const w of doc.warnings) notes.append(line("warning", said("warning", {text: w})));
  for (const n of doc.notes) notes.append(line("note", n));
  document.body.classList.toggle("stale", Boolean(doc.error) && !doc.html);
  if (doc.html || !doc.error) {
    const meta = $("meta");
    meta.replaceChildren();
    const h1 = document.createElement("h1"); h1.textContent = doc.title;
    const by = document.createElement("div"); by.className = "by"; by.textContent = doc.author;
    meta.append(h1, by);
    if (doc.when) {
      const w = document.createElement("div"); w.className = "when"; w.textContent = doc.when;
      meta.append(w);
    }
    if (doc.digest) {
      const d = document.createElement("div"); d.className = "digest"; d.textContent = doc.digest;
      meta.append(d);
    }
    $("article").innerHTML = doc.html;
    $("dark-css").textContent = doc.dark_css;
    $("chars").textContent = doc.chars_text;
  }
  $("updated").textContent = doc.updated;
  document.title = doc.title || document.title;
  version = doc.version;
  document.body.dataset.version = String(version);
}

async function refresh() {
  const response = await fetch("/article.json", {cache: "no-store"});
  show(await response.json());
}

function listen() {
  const events = new EventSource("/events");
  events.addEventListener("update", (e) => {
    if (Number(e.data) !== version) refresh().catch((err) => say(said("reload_failed", {error: err}), true));
  });
  events.onerror = () => say(said("unreachable", {}), true);
  events.onopen = () => { if ($("status").classList.contains("failed")) say(""); };
}

const dark = $("dark");
dark.checked = localStorage.getItem("mdwx-dark") === "1";
document.body.classList.toggle("dark", dark.checked);
dark.addEventListener("change", () => {
  document.body.classList.toggle("dark", dark.checked);
  localStorage.setItem("mdwx-dark", dark.checked ? "1" : "0");
});

function plain(html) {
  const box = document.createElement("div");
  box.innerHTML = html;
  return box.innerText || box.textContent || "";
}

function copyBySelection(html) {
  // Older browsers: copy a selection, with the exact HTML put in by the copy event.
  const box = document.createElement("div");
  box.setAttribute("contenteditable", "true");
  box.style.cssText = "position:fixed;left:-10000px;top:0;opacity:0";
  box.innerHTML = html;
  document.body.append(box);
  const onCopy = (e) => {
    e.clipboardData.setData("text/html", html);
    e.clipboardData.setData("text/plain", plain(html));
    e.preventDefault();
  };
  document.addEventListener("copy", onCopy);
  const range = document.createRange();
  range.selectNodeContents(box);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  try {
    if (!document.execCommand("copy")) throw new Error("the browser refused to copy");
  } finally {
    document.removeEventListener("copy", onCopy);
    selection.removeAllRanges();
    box.remove();
  }
}

$("copy").addEventListener("click", async () => {
  const button = $("copy");
  button.disabled = true;
  say(said("preparing", {}));
  // The ClipboardItem gets promises at once, inside the click (Safari requires it).
  const made = fetch("/copy", {method: "POST"}).then((r) => r.json());
  const usable = (c) => { if (!c.html) throw new Error(c.error || said("nothing", {})); return c.html; };
  try {
    let result;
    try {
      if (!navigator.clipboard || !window.ClipboardItem) throw new Error("no async clipboard");
      await navigator.clipboard.write([new ClipboardItem({
        "text/html": made.then((c) => new Blob([usable(c)], {type: "text/html"})),
        "text/plain": made.then((c) => new Blob([plain(usable(c))], {type: "text/plain"})),
      })]);
      result = await made;
    } catch (err) {
      result = await made;
      copyBySelection(usable(result));
    }
    let text = said("copied", {});
    if (result.hosted) text += said("hosted", result);
    if (result.error) say(said("upload_failed", result), true);
    else say(text);
  } catch (err) {
    say(said("copy_failed", {error: err}), true);
  } finally {
    button.disabled = false;
  }
});

listen();
"""


#: The header every page of the preview is served with: the page's script by its hash, no other.
CSP = content_security_policy(SCRIPT, served=True)


def render_page(snapshot: Snapshot, notes: list[str]) -> str:
    """The whole page for ``snapshot``; ``notes`` are shown below its warnings. Its words
    follow the article's language, its times the site's time zone (:mod:`~mdwx.render.preview_words`)."""
    shown = _shown(snapshot)
    words = words_for(snapshot.lang)
    return PAGE.format(
        lang=escape(snapshot.lang),
        title=escape(snapshot.title or snapshot.path.name),
        css=PAGE_CSS + LIVE_CSS,
        dark_css=shown["dark_css"],
        version=snapshot.version,
        body_class="stale" if snapshot.error and not snapshot.html else "",
        words=escape(json.dumps(words, ensure_ascii=False), quote=True),
        chars=escape(str(shown["chars_text"])),
        updated=escape(str(shown["updated"])),
        dark=escape(words["dark"]),
        copy=escape(words["copy"]),
        notes=notes_html(snapshot, notes),
        meta=meta_html(snapshot.title, snapshot.author, snapshot.digest, when=str(shown["when"])),
        article=shown["html"],
        script=SCRIPT,
    )


def _shown(snapshot: Snapshot) -> dict[str, object]:
    """What the page shows beyond the snapshot: its article marked for dark mode with the CSS
    of WeChat's dark colours, and its words and times."""
    words, zone = words_for(snapshot.lang), site_zone(snapshot.timezone)
    html, dark_css = dark_mode(snapshot.html, scope=DARK_SCOPE) if snapshot.html else ("", "")
    when = (
        ""
        if snapshot.publish_at is None
        else words["scheduled"].format(time=date_time(snapshot.publish_at, zone, snapshot.lang))
    )
    return {
        "html": html,
        "dark_css": dark_css,
        "chars_text": words["chars"].format(count=snapshot.chars),
        "updated": words["updated"].format(time=clock_time(snapshot.taken, zone)),
        "when": when,
    }


def notes_html(snapshot: Snapshot, notes: list[str]) -> str:
    """The error, warnings and notes as the script draws them."""
    warning = words_for(snapshot.lang)["warning"]
    lines = (
        ([("error", snapshot.error)] if snapshot.error else [])
        + [("warning", warning.format(text=w)) for w in snapshot.warnings]
        + [("note", n) for n in notes]
    )
    return "".join(f'<p class="{kind}">{escape(text)}</p>' for kind, text in lines)


def article_json(snapshot: Snapshot, notes: list[str]) -> str:
    """``/article.json``: what :func:`render_page` shows, for the script to swap in."""
    document = snapshot.to_json()
    document.update(_shown(snapshot))
    document["notes"] = notes
    return json.dumps(document, ensure_ascii=False)
