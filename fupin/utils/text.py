"""Chinese text normalisation shared by forms and importers."""

import re
import unicodedata

_SPACES = re.compile(r"[\s\u3000]+")


def fold(text: object) -> str:
    """NFKC (full-width → half-width letters, digits, brackets) and trimmed inner spaces."""
    if text is None:
        return ""
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(text))).strip()


def clean_phone(raw: object) -> str:
    return re.sub(r"[\s\-]", "", fold(raw))


def is_mobile(phone: str) -> bool:
    return bool(re.fullmatch(r"1\d{10}", phone))
