"""Properties of reaching followers: the clientmsgid names one send (same inputs, same id;
any other account, target or version, another id; always within WeChat's 64 bytes), and
the sandbox's quotas hold over random sequences of sends and days."""

from __future__ import annotations

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from mdwx.publish.mass import Target, clientmsgid, parse_recipient
from mdwx.sandbox.massstore import follower_openid
from mdwx.wechat.errors import MassSendRefused
from tests import factories
from tests.contract_helpers import QUICK, client_for, image_bytes
from tests.wechat_helpers import run

TEXT = st.text(min_size=1, max_size=30)
TARGETS = st.one_of(
    st.just(Target(to_all=True)),
    st.builds(lambda t: Target(tag=t), TEXT),
    st.builds(
        lambda ids: Target(openids=tuple(ids)),
        st.lists(
            st.text("abcdef0123", min_size=6, max_size=8), min_size=2, max_size=4, unique=True
        ),
    ),
)
VERSIONS = st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=8)


@hsettings(max_examples=100)
@given(appid=TEXT, target=TARGETS, versions=VERSIONS, other=st.tuples(TEXT, TARGETS, VERSIONS))
def test_a_clientmsgid_names_exactly_one_send(
    appid: str,
    target: Target,
    versions: list[tuple[str, str]],
    other: tuple[str, Target, list[tuple[str, str]]],
) -> None:
    first = clientmsgid(appid, target, versions)
    assert first == clientmsgid(appid, target, list(versions))
    assert len(first.encode()) <= 64
    if (other[0], other[1].key, other[2]) != (appid, target.key, versions):
        assert clientmsgid(*other) != first


@hsettings(max_examples=100)
@given(value=st.text(max_size=80))
def test_a_recipient_is_a_wxname_an_openid_or_a_one_line_config_error(value: str) -> None:
    from mdwx.errors import ConfigError

    try:
        who = parse_recipient(value)
    except ConfigError as exc:
        assert "\n" not in str(exc)
        return
    assert (who.wxname is None) != (who.openid is None)


SENDS = st.lists(
    st.tuples(st.sampled_from(["all", "tag", "openids"]), st.integers(0, 40)),
    min_size=1,
    max_size=7,
)


@hsettings(max_examples=8)
@given(kind=st.sampled_from(["subscription", "service"]), sends=SENDS)
def test_quotas_hold_over_random_sends_and_days(kind: str, sends: list[tuple[str, int]]) -> None:
    """订阅号: at most one send a Beijing day; 服务号: no follower receives more than four a
    calendar month; every refusal is 45028 and takes nothing."""
    with factories.sandbox(**QUICK, account_type=kind, followers=3) as sb:

        async def go() -> None:
            async with client_for(sb) as wx:
                thumb = (await wx.add_material(image_bytes("JPEG"), "c.jpg")).media_id
                for number, (target, hours) in enumerate(sends):
                    sb.advance(hours * 3600)
                    media_id = await wx.draft_add(
                        [{"title": f"t{number}", "content": "<p>x</p>", "thumb_media_id": thumb}]
                    )
                    taken_before = len(sb.store.mass_sends())
                    try:
                        if target == "openids" and kind == "service":
                            await wx.mass_send(
                                media_id,
                                [follower_openid(1), follower_openid(2)],
                                clientmsgid=f"c{number}",
                            )
                        else:
                            await wx.mass_sendall(
                                media_id,
                                tag_id=2 if target == "tag" else None,
                                clientmsgid=f"c{number}",
                            )
                    except MassSendRefused as exc:
                        assert exc.errcode == 45028
                        assert len(sb.store.mass_sends()) == taken_before

        run(go())
        sends_taken = sb.store.mass_sends()
        days = [_beijing(m.created)[:10] for m in sends_taken]
        if kind == "subscription":
            assert len(days) == len(set(days))
        else:
            for openid, _ in sb.store.followers():
                months = [_beijing(m.created)[:7] for m in sends_taken if openid in m.recipients]
                assert all(months.count(month) <= 4 for month in months)


def _beijing(t: float) -> str:
    import time

    return time.strftime("%Y-%m-%d", time.gmtime(t + 8 * 3600))
