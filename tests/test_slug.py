import pytest

from newscrawler.cleaning.slug import media_slug


@pytest.mark.parametrize(
    "name, expected",
    [
        ("大众日报", "dazhongribao"),
        ("重庆日报", "chongqingribao"),
        ("中国银行", "zhongguoyinhang"),
        ("证券时报", "zhengquanshibao"),
        (" 上海证券报 ", "shanghaizhengquanbao"),
        ("21世纪经济报道", "21shijijingjibaodao"),
        ("Reuters 路透", "Reuterslutou"),
        ("东方财富·Choice", "dongfangcaifuChoice"),
        ("../../etc", "etc"),
    ],
)
def test_pinyin_slug(name, expected):
    assert media_slug(name) == expected


def test_override_map_wins():
    assert media_slug("重庆日报", {"重庆日报": "cqrb"}) == "cqrb"
    assert media_slug("大众日报", {"重庆日报": "cqrb"}) == "dazhongribao"


@pytest.mark.parametrize("name", ["", "   ", "《》", "···", "!!!"])
def test_names_without_letters_get_distinct_safe_slugs(name):
    slug = media_slug(name)
    assert slug.startswith("media") and slug.isalnum()


def test_symbol_names_do_not_collide():
    assert media_slug("《》") != media_slug("···")
