"""Content safety of the free text in a trip request, before any model sees it.

Two families of patterns over the folded text (lower case, no accents): prompt
injection aimed at the agents, and requests for harm or abuse. Patterns name
intents ("make a bomb", "ignore previous instructions"), not single words, so
that places such as "Bombay" or "Killarney" and tours such as "bunker museum"
pass.
"""

import re

from services.runtime.errors import InvalidArgument
from services.travel.text import fold

_INJECTION = [
    r"\b(ignore|disregard|forget|override|bypass|skip)\b.{0,40}\b(instruction|prompt|rule|guideline|polic|directive|above|previous|prior|earlier)",
    r"\bsystem\s*(prompt|message|instruction)",
    r"\bnew\s+instructions?\b",
    r"\byou\s+are\s+(now|no\s+longer)\b",
    r"\b(act|behave|respond)\s+as\s+(if|an?|the)\b",
    r"\bpretend\s+(to\s+be|you|that)\b",
    r"\b(jailbreak|developer\s+mode|dan\s+mode|do\s+anything\s+now)\b",
    r"\b(reveal|print|show|output|repeat|leak)\b.{0,30}\b(prompt|instructions|api\s*key|secret|password|token)",
    r"<\s*/?\s*(system|assistant|user|im\s*start|im\s*end)\b",
    r"\[\s*/?\s*inst\s*\]",
    r"<\|",
    r"\{\{|\}\}",
    r"```",
]  # fmt: skip

_HARM = [
    r"\b(make|build|assemble|buy|get|obtain|smuggle|sell)\b.{0,30}\b(bombs?|explosives?|ied|weapons?|guns?|firearms?|ammunition|poison)\b",
    r"\b(buy|sell|smuggle|score|traffic)\b.{0,30}\b(drugs|cocaine|heroin|meth|fentanyl|ivory)\b",
    r"\b(kill|murder|kidnap|assault|attack|hurt|poison|stalk|rob)\b.{0,30}\b(someone|somebody|people|persons?|him|her|them|tourists?|locals?)\b",
    r"\b(kill|murder|kidnap|assault|hurt|poison|stalk)\b\s+(my|a|the|his|her|their)\s+(wife|husband|partner|boss|neighbou?r|friend|child|kid|baby|man|woman|person|guard|officer|family|ex)\b",
    r"\brob\b.{0,20}\b(bank|store|shop|house|jewell?er)",
    r"\b(human|sex|child|organ)\s+trafficking\b",
    r"\b(child|children|underage|minors?)\b.{0,30}\b(sex|porn|prostitut|escort)",
    r"\bsex\s+tourism\b",
    r"\bterror(ist|ism)?\s+(attack|plot|cell)\b",
    r"\b(mass|school)\s+shooting\b",
    r"\b(commit\s+suicide|kill\s+myself|end\s+my\s+life|self\s+harm)\b",
    r"\b(kill\s+yourself|kys)\b",
    r"\b(hack|ddos|phish)\b.{0,30}\b(accounts?|bank|site|server|people)\b",
]  # fmt: skip

_INJECTION_RE = re.compile("|".join(f"(?:{p})" for p in _INJECTION))
_HARM_RE = re.compile("|".join(f"(?:{p})" for p in _HARM))


def unsafe_reason(text: str) -> str | None:
    """ "prompt injection" or "harmful request" when the text is one, else None."""
    # fold() turns punctuation into spaces; the raw lower-case text keeps markup like "<|".
    folded, raw = fold(text), text.casefold()
    if _INJECTION_RE.search(folded) or _INJECTION_RE.search(raw):
        return "prompt injection"
    if _HARM_RE.search(folded):
        return "harmful request"
    return None


def check_text_safety(text: str, field: str) -> None:
    """Raises InvalidArgument UNSAFE_REQUEST when `text` is a prompt injection or asks for harm."""
    reason = unsafe_reason(text)
    if reason is None:
        return
    raise InvalidArgument(
        f"{field} was refused as a {reason}; describe only the trip (a place, interests)",
        reason="UNSAFE_REQUEST",
        field=field,
        metadata={"category": reason.replace(" ", "_")},
    )
