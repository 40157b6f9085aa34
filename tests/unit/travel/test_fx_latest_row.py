"""fx.rate reads only the latest row of the ECB file: the same rates, to the last bit, as
currencyconverter's whole history gives for that day, and the same supported currencies."""

from decimal import Decimal

from currency_converter import CurrencyConverter

from services.travel import fx


def test_latest_rates_match_the_whole_history_for_every_pair() -> None:
    history = CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True)
    latest = max(bounds.last_date for bounds in history.bounds.values())
    current = {
        code
        for code in history.currencies
        if fx.is_iso_currency(code) and history.bounds[code].last_date == latest
    }
    assert fx.latest_rate_date() == latest
    assert fx.supported_currencies() == current
    for source in current:
        for target in current - {source}:
            expected = Decimal(repr(history.convert(1, source, target, date=latest)))
            assert fx.rate(source, target) == (expected, latest)
