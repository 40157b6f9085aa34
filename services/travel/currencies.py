"""ISO 4217 currency codes in circulation and their minor units.

Shipped list, after the ISO 4217 maintenance agency's list one (2025), without
precious metals, testing and bond-market codes. Budgets may use any of these
whose exchange rate the ECB still publishes (see fx.py).
"""


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Currencies with no minor unit (amounts are whole numbers).
_ZERO_DECIMALS = _codes(
    """
    BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF
    """
)
# Currencies with three decimals.
_THREE_DECIMALS = _codes(
    """
    BHD IQD JOD KWD LYD OMR TND
    """
)
_FOUR_DECIMALS = _codes(
    """
    CLF UYW
    """
)

ISO_4217 = _codes(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL
    BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK
    DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR
    ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD
    LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK
    NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
    SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD
    USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
    """
)


def is_iso_currency(code: str) -> bool:
    """Whether `code` is an ISO 4217 code of a currency in circulation (upper case)."""
    return code in ISO_4217


def minor_units(code: str) -> int:
    """Number of decimals of `code` (2 when unknown)."""
    if code in _ZERO_DECIMALS:
        return 0
    if code in _THREE_DECIMALS:
        return 3
    if code in _FOUR_DECIMALS:
        return 4
    return 2
