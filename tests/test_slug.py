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


LONG_NAME = "很长的媒体名称" * 43  # 301 characters, well over a file name's 255 bytes in pinyin


@pytest.mark.parametrize(
    "name",
    [pytest.param(LONG_NAME, id="301 hanzi"), pytest.param("a" * 65, id="65 letters"),
     pytest.param("长" * 1000, id="1000 hanzi"), pytest.param("1" * 300, id="300 digits")],
)
def test_long_names_give_bounded_slugs(name):
    slug = media_slug(name)
    assert 0 < len(slug) <= 64 and slug.isascii() and slug.isalnum()
    assert len(f"category/{slug}.html".encode()) < 255


def test_long_names_sharing_a_prefix_keep_distinct_slugs():
    assert media_slug(LONG_NAME + "甲") != media_slug(LONG_NAME + "乙")
    assert media_slug("a" * 300) != media_slug("a" * 301)


@pytest.mark.parametrize("name", ["a" * 64, "zhongguo" * 8], ids=["64 letters", "64 pinyin"])
def test_slugs_up_to_the_bound_are_not_cut(name):
    assert media_slug(name) == name


@pytest.mark.parametrize("name, expected", [("360", "360"), ("yes", "yes"), ("null", "null"), ("1.5", "15")])
def test_short_ascii_names_keep_their_letters_and_digits(name, expected):
    # YAML-looking slugs are the writer's to quote, not the slug's to change.
    assert media_slug(name) == expected
