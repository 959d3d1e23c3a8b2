"""A Chinese tech post full of identifiers, code and URLs is detected as Chinese.

Reported: a post with a Chinese title and prose mentioning ``GetModuleFileName`` got an
English preview, ``[TOC]`` heading and callout titles; jekyll-mzlogin posts with 3,584 Han
characters and 4,490 Latin letters outside code read as English. A Han character is about a
word; a Latin word is a run of letters; code, math, URLs and link targets do not count.
"""

from __future__ import annotations

import string
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from mdwx.render.language import detect_language, prose
from tests.render_helpers import render

HAN = "的是在了不和有大这主中人上为们地个用工时要动国产以我到他会作来分生对于学下级就年阶义发成部民可出能方进同行面说种过命度革而多子后自社加小机也经力线本电高量长党得实家定深法表着水理化争现所二起政三好十战无农使性前等反体合斗路图把结第里正新开论之物从当两些还天资事队批点育重其思与间内去因件日利相由压员气业代全组数果期导平各基或月毛然如应形想制心样干都向变关问比展那它最及外没看治提五解系林者米群头意只明四道马认次文通但条较克又公孔领军流入接席位情运器并飞原油放立题质指建区验活众很教决特此常石强极土少已根共直团统式转别造切九你取西持总料连任志观调七么山程百报更见必真保热委手改管处己将修支识病象几先老光专什六型具示复安带每东增则完风回南广劳轮科北打积车计给节做务被整联步类集号列温装即毫知轴研单色坚据速防史拉世设达尔场织历花受求传口断况采精金界品判参层止边清至万确究书术状厂须离再目海交权且儿青才证低越际八试规斯近注办布门铁需走议县兵固除般引齿千胜细影济白格效置推空配刀叶率述今选养德话查差半敌始片施响收华觉备名红续均药标记难存测士身紧液派准斤角降维板许破述技消底床田势端感往神便贺村构照容非搞亚磨族火段算适讲按值美态黄易彪服早班麦削信排台声该击素张密害侯草何树肥继右属市严径螺检左页抗苏显苦英快称坏移约巴材省黑武培著河帝仅针怎植京助升王眼她抓含苗副杂普谈围食射源例致酸旧却充足短划剂宣环落首尺波承粉践府鱼随考刻靠够满夫失包住促枝局菌杆周护岩师举曲春元超负砂封换太模贫减阳扬江析亩木言球朝医校古呢稻宋听唯输滑站另卫字鼓刚写刘微略范供阿块某功套友限项余倒卷创律雨让骨远帮初皮播优占死毒圈伟季训控激找叫云互跟裂粮粒母练塞钢顶策双留误础吸阻故寸盾晚丝女散焊功株亲院冷彻弹错散商视艺灭版烈零室轻血倍缺厘泵察绝富城冲喷壤简否柱李望盘磁雄似困巩益洲脱投送奴侧润盖挥距触星松送获兴独官混纪依未突架宽冬章湿偏纹吃执阀矿寨责熟稳夺硬价努翻奇甲预职评读背协损棉侵灰虽矛厚罗泥辟告卵箱掌氧恩爱停曾溶营终纲孟钱待尽俄缩沙退陈讨奋械载胞幼哪剥迫旋征槽倒握担仍呀鲜吧卡粗介钻逐弱脚怕盐末阴丰雾冠丙街莱贝辐肠付吉渗瑞惊顿挤秒悬姆烂森糖圣凹陶词迟蚕亿矩"

CJK_SENTENCE = st.text(st.sampled_from(HAN), min_size=1, max_size=30).map(lambda s: s + "。")
# An identifier of letters only (CamelCase, as in GetModuleFileName): one Latin word.
IDENTIFIER = st.text(st.sampled_from(string.ascii_letters), min_size=1, max_size=24)
# What is not prose, whatever Latin it holds.
CODE = st.text(st.sampled_from(string.ascii_letters + " (){};=_."), min_size=1, max_size=80)
NOT_PROSE = st.one_of(
    CODE.map(lambda c: f"\n\n```c\n{c}\n{c}\n```\n\n"),
    CODE.map(lambda c: f"\n\n~~~\n{c}\n~~~\n\n"),
    CODE.filter(lambda c: "`" not in c and c.strip()).map(lambda c: f" `{c.strip()}` "),
    IDENTIFIER.map(lambda w: f" https://example.com/{w}/{w}.html "),
    IDENTIFIER.map(lambda w: f"![](https://example.org/{w}.png?q={w})"),
    IDENTIFIER.map(lambda w: f' <span class="{w}"></span> '),
)


@st.composite
def tech_prose(draw: st.DrawFn) -> tuple[str, int, int]:
    """CJK sentences interleaved with identifiers; returns the text, Han count, word count."""
    parts, han, words = [], 0, 0
    for _ in range(draw(st.integers(1, 12))):
        if draw(st.booleans()):
            sentence = draw(CJK_SENTENCE)
            parts.append(sentence)
            han += len(sentence) - 1
        else:
            parts.append(f" {draw(IDENTIFIER)} ")
            words += 1
    return "".join(parts), han, words


@given(post=tech_prose())
def test_prose_is_chinese_exactly_when_han_characters_are_at_least_the_latin_words(
    post: tuple[str, int, int],
) -> None:
    text, han, words = post
    expected = "zh" if han and han >= words else "en"
    assert detect_language(text) == expected


@given(post=tech_prose(), noise=st.lists(NOT_PROSE, max_size=6), at=st.randoms())
def test_code_urls_and_tags_do_not_count(post: tuple[str, int, int], noise: list[str], at) -> None:
    original = post[0]
    cuts = []
    for _ in noise:  # between words: never inside a CJK run, a Latin word or another piece
        cut = at.randint(0, len(original))
        while 0 < cut < len(original) and (original[cut - 1] in HAN or original[cut].isalpha()):
            cut -= 1
        cuts.append(cut)
    text, last = "", 0
    for cut, piece in sorted(zip(cuts, noise, strict=True), key=lambda pair: pair[0]):
        text += original[last:cut] + piece
        last = cut
    text += original[last:]
    assert detect_language(text) == detect_language(post[0])


def test_the_reported_windows_post_is_chinese(tmp_path: Path) -> None:
    body = (
        "[TOC]\n\n## 获取程序路径\n\n在 Windows 下可以调用 `GetModuleFileName` 获取当前"
        "程序的完整路径，GetModuleFileName 的第一个参数传 NULL 即可。\n\n"
        "```cpp\nTCHAR szPath[MAX_PATH];\nGetModuleFileName(NULL, szPath, MAX_PATH);\n"
        "std::wcout << szPath << std::endl;\n```\n\n"
        "参考 https://learn.microsoft.com/en-us/windows/win32/api/libloaderapi/ 的说明。\n"
    )
    assert detect_language(body) == "zh"
    assert "目录" in render(body, tmp_path).html


def test_prose_drops_code_math_and_urls_but_keeps_words() -> None:
    text = "中文 word `code` $x > 0$ https://a.b/c [链接](http://x/y)\n\n```\nfn()\n```\n结束"
    kept = prose(text)
    assert "word" in kept and "中文" in kept and "结束" in kept and "链接" in kept
    assert not any(gone in kept for gone in ("code", "x > 0", "https", "http", "fn()"))
