"""The offline gate every door's posts pass: each (post, account, backend) the post goes to.

``check``, ``build`` and ``publish`` (``--dry-run`` or not) route a post exactly alike
(:func:`mdwx.publish.routing.routes`: the front matter's ``accounts``, narrowed by ``--account``),
prepare it as each account sees it (its limits laid over the site's) and apply that
account's backend's offline rules (:func:`mdwx.publish.rules.apply_rules`). So ``check``
fails exactly when ``publish`` would refuse the post before sending anything, with the same
message; a rule that fails only because of an account's settings names the account.
``publish`` also resolves every routed account's credentials here, before the first request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mdwx.config import check_api_base
from mdwx.diagnostics import Diagnostic
from mdwx.errors import ConfigError, MdwxError
from mdwx.post_report import PostReport
from mdwx.prepare import prepare
from mdwx.publish.routing import Route, account_options, by_account, routes
from mdwx.urls import is_remote

if TYPE_CHECKING:
    from mdwx.api.types import Options
    from mdwx.post_report import PostReport
    from mdwx.prepare import Prepared
    from mdwx.source.posts import Post as SitePost


def prepare_routed(post: SitePost, options: Options, *, enforce_size: bool = True) -> Prepared:
    """``post`` prepared and checked for every route it takes; the first route's :class:`Prepared`.

    A post the call skips (it is for other accounts than ``options.account``) is prepared
    with the site's config only (:func:`mdwx.prepare.prepare`).

    Raises the first :class:`MdwxError` found (see :func:`gate_routes`).
    """
    taken = [route for route in routes(post, options) if route.skipped is None]
    if not taken:
        return prepare(post, enforce_size=enforce_size)
    return gate_routes(taken, options, enforce_size=enforce_size)[0]


def skipped_report(post: SitePost, options: Options) -> PostReport | None:
    """The report of a post this call skips (a ``not-routed`` warning, no error), else None.

    A post listing other accounts than ``options.account`` is skipped as ``publish`` skips it,
    so ``check`` and ``build`` judge exactly the posts ``publish`` would send.
    """
    if not options.account:
        return None
    found = routes(post, options)
    if not found or any(route.skipped is None for route in found):
        return None
    report = PostReport(post.path)
    report.diagnostics.append(
        Diagnostic(found[0].skipped or "skipped", str(post.path), code="not-routed")
    )
    return report


def gate_routes(
    taken: list[Route], options: Options, *, enforce_size: bool = True
) -> list[Prepared]:
    """Each route's post prepared and its backend's offline rules applied.

    One :class:`Prepared` per route, in order (routes that see the post alike share one).

    Raises the route's read error or the first rule that fails; one that fails under an
    account's own limits or backend names the account (``account 'news': …``).
    :class:`ConfigError` (the site's config) is raised as it is.
    """
    from mdwx.publish.backends import backend_name
    from mdwx.publish.rules import apply_rules

    done: list[tuple[tuple[object, ...], Prepared]] = []
    ready = []
    for route in taken:
        if route.error is not None:
            raise _every_problem(route, enforce_size)
        config = route.post.config
        backend = backend_name(config, options.backend)
        # An account changes only its limits, backend and api_base (account_config): the
        # routes with the same limits and backend see the post alike.
        seen = (config.limits, config.draft, backend)
        prepared = next((p for key, p in done if key == seen), None)
        if prepared is None:
            try:
                prepared = prepare(route.post, enforce_size=enforce_size)
                apply_rules(prepared, backend)
            except ConfigError:
                raise
            except MdwxError as exc:
                raise _naming_account(exc, route) from None
            done.append((seen, prepared))
        ready.append(prepared)
    return ready


def _every_problem(route: Route, enforce_size: bool) -> MdwxError:
    """The error of preparing a post whose front matter could not be read for routing.

    It carries every problem of the post (its files and body too), not only its keys'.
    """
    assert route.error is not None
    try:
        prepare(route.post, enforce_size=enforce_size)
    except ConfigError:
        raise
    except MdwxError as exc:
        return exc
    return route.error


async def check_fetched_covers(taken: list[Route], ready: list[Prepared], options: Options) -> None:
    """A remote cover's crops, for every route whose backend takes crops: fetched once here.

    Its size is known only once it is fetched, so ``check`` cannot judge it; ``publish``
    (dry run or not) does, before sending the post to any of its accounts. Raises the
    first :class:`MdwxError`, naming the account as :func:`gate_routes` does.
    """
    from mdwx.publish.backends import backend_name, make_rules
    from mdwx.publish.resolve import AssetLoader

    sizes: dict[str, tuple[int, int]] = {}
    for route, prepared in zip(taken, ready, strict=True):
        article, cover = prepared.article, prepared.cover
        rules = make_rules(backend_name(route.post.config, options.backend), route.post.config)
        if (
            cover is None
            or not is_remote(cover[0])
            or not rules.takes_crops
            or article.post_type == "images"
            or not (article.pic_crop_235_1 or article.pic_crop_1_1)
        ):
            continue
        try:
            if cover[0] not in sizes:
                loader = AssetLoader(
                    route.post.config, None, "", fetch_transport=options.fetch_transport
                )
                loaded = await loader.load_cover(
                    *cover, article.path, size=True, written=article.as_written(cover[0])
                )
                assert loaded.prepared is not None  # size=True: always prepared
                sizes[cover[0]] = (loaded.prepared.width, loaded.prepared.height)
            rules.check_cover(article, *sizes[cover[0]])
        except ConfigError:
            raise
        except MdwxError as exc:
            raise _naming_account(exc, route) from None


def _naming_account(error: MdwxError, route: Route) -> MdwxError:
    """``error`` naming the route's account when that account changes the rules.

    It does when it sets its own limits, draft limits or backend.
    """
    account = route.account
    if account is None or not (account.limits or account.draft or account.backend):
        return error
    error.message = f"account {account.name!r}: {error.message}"
    return error


def resolve_credentials(items: list[Route], options: Options) -> dict[str | None, Options]:
    """The call's options for every account a route goes to, with its credentials.

    Resolved before anything is sent; keyed by account name (None: the call's credentials).

    A dry run resolves them alike (it fetches no token), so it stops where the run would.
    Raises :class:`ConfigError` for the first account without credentials, or whose
    ``api_base`` a repository file chose without the environment's consent.
    """
    for item in items:  # no secret goes to a host a repository file chose, for any account
        if (
            item.skipped is None and item.error is None and not options.sandbox
        ):  # --sandbox: loopback
            config = item.post.config
            check_api_base(
                config,
                given=options.api_base,
                allowed=options.allow_api_base,
                account=config.accounts.get(item.name) if item.name else None,
            )
    resolved: dict[str | None, Options] = {}
    for account, _ in by_account(items):
        name = account.name if account else None
        if name not in resolved:
            resolved[name] = account_options(options, account, need_client=True)
    return resolved
