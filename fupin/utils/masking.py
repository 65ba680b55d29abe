"""Masking of personal data for lists, notices and the change log."""


def mask_id(number: str | None) -> str:
    if not number:
        return ""
    if len(number) < 8:
        return "*" * len(number)
    return f"{number[:6]}********{number[-4:]}"


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def mask_account(account: str | None) -> str:
    if not account:
        return ""
    return f"****{account[-4:]}" if len(account) > 4 else "****"


def mask_name(name: str | None) -> str:
    """张三丰 → 张*丰; 张三 → 张*."""
    if not name:
        return ""
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
