from newscrawler.monitors.alerts import changes


def test_new_failures_and_recoveries_since_the_last_alert():
    alerted = {"Drop rates": "6 of 9 dropped", "Categories list articles: dzrb": "dzrb quiet"}
    failing = {"Drop rates": "7 of 12 dropped", "Categories list articles: cqrb": "cqrb quiet"}
    assert changes(failing, alerted, recoveries=True) == (
        {"Categories list articles: cqrb": "cqrb quiet"}, {"Categories list articles: dzrb": "dzrb quiet"})
    assert changes(failing, alerted, recoveries=False)[1] == {}, "during a run: no recovery yet"
    assert changes(alerted, alerted, recoveries=True) == ({}, {})
