from newscrawler.monitors.alerts import changes, read_alerted, save_alerted


def test_new_failures_and_recoveries_since_the_last_alert():
    alerted = {"Drop rates": "6 of 9 dropped", "Categories list articles: dzrb": "dzrb quiet"}
    failing = {"Drop rates": "7 of 12 dropped", "Categories list articles: cqrb": "cqrb quiet"}
    assert changes(failing, alerted, recoveries=True) == (
        {"Categories list articles: cqrb": "cqrb quiet"}, {"Categories list articles: dzrb": "dzrb quiet"})
    assert changes(failing, alerted, recoveries=False)[1] == {}, "during a run: no recovery yet"
    assert changes(alerted, alerted, recoveries=True) == ({}, {})


def test_alerted_failures_are_kept_per_channel_and_an_older_file_is_every_channels(tmp_path):
    path = tmp_path / "category.alerted.json"
    path.write_text('{"Drop rates": "6 of 9 dropped"}', encoding="utf-8")
    old = {"Drop rates": "6 of 9 dropped"}
    assert read_alerted(path) == {"email": old, "webhook": old}
    save_alerted(path, {"email": {"Drop rates": "6 of 9 dropped"}, "webhook": {}})
    assert read_alerted(path) == {"email": {"Drop rates": "6 of 9 dropped"}, "webhook": {}}
    path.write_text('{"email": ["not", "a map"]}', encoding="utf-8")
    assert read_alerted(path) == {}
