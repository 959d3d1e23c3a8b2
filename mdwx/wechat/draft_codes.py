"""What the draft-box and free-publish API's answers mean, in words (docs/wechat/draft-api.md).

Kept beside :mod:`mdwx.wechat.errors`, which turns them into typed errors: the same code
means something else here than on the media API (40007 names a draft that left the box,
53503 is the pre-publish check, not "already submitted"), and ``freepublish/get``'s
``publish_status`` needs explaining too.
"""

from __future__ import annotations

CONSOLE = "see the notice in mp.weixin.qq.com → 发表记录"
#: The one route left to an account that may not use the draft box (48001 on draft/*):
#: every error and ``mdwx doctor`` name it in these words.
PASTE_ROUTE = (
    "verify the account (mp.weixin.qq.com → 设置与开发 → 账号设置), or publish by hand: "
    "`mdwx preview POST` and paste the article with its copy button into the editor"
)
#: The route left when the draft box works but free publishing answers 48001.
DRAFT_ROUTE = (
    "publish with --draft and press 发表 in the console (mp.weixin.qq.com → 草稿箱), or "
    + PASTE_ROUTE
)

#: ``freepublish/get`` publish_status → (what it means, what to do), in words.
PUBLISH_STATUS_MEANINGS: dict[int, tuple[str, str]] = {
    0: ("published", "nothing to do"),
    1: ("still publishing", "ask again in a few seconds"),
    2: (
        "the originality check failed (原创校验不通过): WeChat judged it a copy of an "
        "original article",
        "rewrite or remove the copied passages, or publish it as a reprint, then publish again",
    ),
    3: (
        "publishing failed for a general reason (常规失败)",
        f"publish again; if it fails again, {CONSOLE}",
    ),
    4: (
        "the platform's review rejected it (平台审核不通过)",
        f"{CONSOLE} for the reason, change the post and publish again",
    ),
    5: (
        "it was deleted after it was published (成功后用户删除所有文章)",
        "publish it again to bring it back (deleting does not return quota)",
    ),
    6: (
        "the system banned it after it was published (成功后系统封禁所有文章)",
        f"{CONSOLE}; it cannot be published again as is",
    ),
}

#: What codes mean when a draft-API endpoint answers them (these differ from the media API).
DRAFT_CODES: dict[int, tuple[str, str]] = {
    45002: (
        "the content field is too long",
        "the draft API refuses article HTML above about 690 KB of UTF-8 and image-post text "
        "above about 1,000 characters: shorten or split the post",
    ),
    45003: (
        "the title field is too long",
        "the draft API's limit is disputed (32 characters in its doc, 64 observed): shorten "
        "the title, or set limits.title in mdwx.toml to what your account accepts",
    ),
    45004: (
        "the digest field is too long",
        "120 characters (some accounts take 128, one tool reports 120 bytes): shorten the digest",
    ),
    45008: ("the draft holds more than 8 articles", "send at most 8 articles per draft"),
    45110: (
        "the author field is too long",
        "16 characters in the current doc (8 on older accounts): shorten the author",
    ),
    45166: (
        "the content holds HTML or a link WeChat refuses",
        "image posts take plain text only, no HTML tags; in articles, external links and "
        'in-page anchors are refused (link_policy = "footnotes" keeps the link text)',
    ),
    48001: (
        "the draft and publishing API is not authorised for this account (since July 2025 "
        "personal and unverified accounts may not publish through it)",
        PASTE_ROUTE,
    ),
    53503: (
        "the draft failed WeChat's pre-publish check",
        "open it in mp.weixin.qq.com → 草稿箱 to see the objection, fix the post, publish again",
    ),
    53504: (
        "this draft can only be published from the web console",
        "publish it by hand in mp.weixin.qq.com → 草稿箱",
    ),
    53505: (
        "the draft must first be saved by hand in the web console",
        "open it in mp.weixin.qq.com → 草稿箱, save it, then publish again",
    ),
}
#: 40007 from the draft API, by endpoint: the thing the media_id named is gone or wrong.
DRAFT_UNKNOWN = {
    "draft/add": (
        "an image media_id is not a permanent image",
        "thumb_media_id and image_media_id must come from add_material; upload again",
    ),
    "freepublish/get": ("the publish_id is unknown", "it was never submitted on this account"),
    "freepublish/getarticle": ("the article_id is unknown", "it was not published (yet)"),
    "freepublish/delete": (
        "the article_id is unknown or its articles are already deleted",
        "nothing to delete",
    ),
}
DRAFT_GONE = (
    "the draft is not in the draft box",
    "it was published (freepublish/submit takes it out of the box) or deleted; or, for "
    "draft/update, a cover or image is not a permanent image from add_material",
)
