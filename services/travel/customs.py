"""Local customs a traveller needs: tipping, etiquette, emergency numbers, traffic side.

A small shipped table for common destinations, with regional defaults, written
from widely published travel guidance (2024). Advice stays general on purpose.
"""


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


_MUSLIM_MAJORITY = _codes(
    """
    AE AZ BD BH BN DZ EG ID JO KW KZ MA MV MY OM PK QA SA SN TN TR UZ
    """
)
_LEFT_HAND_TRAFFIC = _codes(
    """
    AU BB BD BM BN BS BT BW CY FJ GB GY HK ID IE IN JM JP KE KY LK LS MO MT MU MW MY MZ
    NA NP NZ PG PK SC SG SR SZ TH TO TT TZ UG VG WS ZA ZM ZW
    """
)
_EURO_112 = _codes(
    """
    AD AL AT BA BE BG CH CY CZ DE DK EE ES FI FR GE GR HR HU IE IS IT LI LT LU LV MC MD
    ME MK MT NL NO PL PT RO RS SE SI SK SM TR UA VA
    """
)

_TIPPING = {
    "US": "Tip 18-20% at restaurants (15% at least), a dollar or two per drink at bars, "
    "and 15% for taxis; it is part of the staff's wage.",
    "CA": "Tip 15-20% at restaurants and bars, and about 15% for taxis.",
    "GB": "Restaurants often add 10-12.5% service; if not, leave about 10%. No tips at pub bars.",
    "IE": "Leave 10-12.5% at restaurants when service is not added; no tips at pub bars.",
    "JP": "Tipping is not done and can cause confusion; good service is included.",
    "KR": "Tipping is not customary; service is included.",
    "CN": "Tipping is not customary outside international hotels.",
    "HK": "A 10% service charge is usually added; rounding up for taxis is common.",
    "SG": "A 10% service charge and GST are added to bills; no further tip is expected.",
    "AU": "Tipping is not expected; 10% for exceptional restaurant service is appreciated.",
    "NZ": "Tipping is not expected; round up or leave 10% for exceptional service.",
    "MX": "Tip 10-15% at restaurants, and small amounts to guides and porters.",
    "EG": "Small tips (baksheesh) are expected for many services; leave 10-15% at restaurants.",
    "ZA": "Tip 10-15% at restaurants; car guards and petrol attendants expect a few rand.",
    "IN": "Leave about 10% at restaurants when no service charge is on the bill.",
    "TH": "Tipping is not required; rounding up or leaving 20-100 baht is appreciated.",
    "AE": "A service charge is often added; an extra 10% for good service is welcome.",
}
_TIPPING_BY_CONTINENT = {
    "EU": "Service is included; rounding up or leaving 5-10% for good service is appreciated.",
    "AS": "Tipping is not expected everywhere; in tourist restaurants 5-10% is appreciated.",
    "AF": "Leave about 10% at restaurants and small tips for guides and porters.",
    "NA": "Leave 10-15% at restaurants unless service is already on the bill.",
    "SA": "Leave about 10% at restaurants; check whether 'servicio' is already on the bill.",
    "OC": "Tipping is modest; round up or leave 10% for good service.",
}

_ETIQUETTE = {
    "JP": "Take shoes off where you see slippers or a step up, keep voices low on trains, "
    "and avoid eating while walking.",
    "KR": "Give and receive with both hands, take shoes off in homes, and keep quiet on "
    "public transport.",
    "CN": "Don't stand chopsticks upright in rice; mobile payment is the norm, so set one up.",
    "TH": "Never joke about the monarchy; don't touch heads or point feet at people or Buddha "
    "images; cover shoulders and knees in temples.",
    "IN": "Dress modestly, take shoes off in temples and homes, and use your right hand to eat "
    "and to pass things.",
    "FR": "Say 'Bonjour' when you enter a shop or café before asking for anything.",
    "ES": "Meals are late: lunch around 14:00-16:00, dinner after 21:00.",
    "IT": "Cover shoulders and knees in churches; a 'coperto' cover charge on bills is normal.",
    "DE": "Be punctual; many shops close on Sundays and some places take cash only.",
    "GB": "Queue patiently and stand on the right on escalators.",
    "US": "Sales tax is added at the till, so shelf prices are lower than what you pay.",
    "PT": "Lunch is a proper meal; the bread and olives put on the table are charged if eaten.",
    "GR": "Dress modestly in monasteries and churches; meals are long and social.",
}
_ETIQUETTE_MUSLIM = (
    "Dress modestly, especially at mosques (women cover their hair inside); during Ramadan "
    "avoid eating or drinking in public by day; use your right hand to give and eat."
)
_ETIQUETTE_DEFAULT = (
    "Greet people before asking for anything, dress modestly at religious sites, and ask "
    "before photographing people."
)

_EMERGENCY = {
    "US": "911", "CA": "911", "MX": "911", "AR": "911", "PA": "911", "CR": "911",
    "GB": "999 or 112", "AU": "000 (112 from mobiles)", "NZ": "111",
    "JP": "110 for police, 119 for fire and ambulance",
    "KR": "112 for police, 119 for fire and ambulance",
    "CN": "110 for police, 120 for ambulance, 119 for fire",
    "IN": "112", "TH": "191 for police, 1669 for ambulance, 1155 for tourist police",
    "ZA": "10111 for police, 112 from mobiles", "BR": "190 for police, 192 for ambulance",
    "EG": "122 for police, 123 for ambulance", "AE": "999 for police, 998 for ambulance",
    "SG": "999 for police, 995 for ambulance", "HK": "999",
}  # fmt: skip


def tipping(country_code: str, continent: str) -> str:
    """Tipping custom at a destination."""
    return _TIPPING.get(country_code) or _TIPPING_BY_CONTINENT.get(
        continent, "Tipping customs vary; rounding up for good service is rarely wrong."
    )


def etiquette(country_code: str) -> str:
    """The etiquette tip that matters most at a destination."""
    if country_code in _ETIQUETTE:
        return _ETIQUETTE[country_code]
    if country_code in _MUSLIM_MAJORITY:
        return _ETIQUETTE_MUSLIM
    return _ETIQUETTE_DEFAULT


def emergency_number(country_code: str) -> str:
    """The emergency number(s) to call, or a hint when the table has none."""
    if country_code in _EMERGENCY:
        return _EMERGENCY[country_code]
    if country_code in _EURO_112:
        return "112"
    return "112 from mobile phones in many countries (check the local number on arrival)"


def drives_on_left(country_code: str) -> bool:
    """Whether traffic keeps left."""
    return country_code in _LEFT_HAND_TRAFFIC
