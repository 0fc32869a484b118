"""The IAB ads.txt format (version 1.1), checked line by line so an error names the bad line.

    # comment                                    (anywhere; the rest of the line is ignored)
    google.com, pub-0000000000000000, DIRECT, f08c47fec0942fa0
    appnexus.com, 1234, RESELLER                 (the certification authority ID is optional)
    CONTACT=ads@newsroom.example                 (variables: NAME=value)
"""
import re

from django.core.exceptions import ValidationError

CACHE_KEY = "ads:ads-txt:v1"
VARIABLES = {"CONTACT", "SUBDOMAIN", "INVENTORYPARTNERDOMAIN", "OWNERDOMAIN", "MANAGERDOMAIN"}
DOMAIN_VARIABLES = {"SUBDOMAIN", "INVENTORYPARTNERDOMAIN", "OWNERDOMAIN"}
RELATIONSHIPS = {"DIRECT", "RESELLER"}
DOMAIN = re.compile(r"^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$", re.IGNORECASE)
ACCOUNT = re.compile(r"^[^\s,;#=]+$")
CERT_ID = re.compile(r"^[A-Za-z0-9]+$")
VARIABLE = re.compile(r"^([A-Za-z][A-Za-z0-9]*)\s*=(.*)$")
MAX_REPORTED = 20


def _line_error(content: str) -> str | None:
    """What is wrong with one line (comments already removed), or None."""
    variable = VARIABLE.match(content)
    if variable:
        name, value = variable.group(1).upper(), variable.group(2).strip()
        if name not in VARIABLES:
            return f"“{variable.group(1)}” is not an ads.txt variable (use one of {', '.join(sorted(VARIABLES))})."
        if not value:
            return f"the variable {name} needs a value."
        if name in DOMAIN_VARIABLES and not DOMAIN.match(value):
            return f"{name} must be a domain name, not “{value}”."
        if name == "MANAGERDOMAIN":
            domain, _, country = (part.strip() for part in value.partition(","))
            if not DOMAIN.match(domain) or (country and not re.fullmatch(r"[A-Za-z]{2}", country)):
                return f"MANAGERDOMAIN must be a domain name, optionally followed by a two-letter country code, not “{value}”."
        return None
    record = content.split(";", 1)[0]  # anything after ";" is extension data
    fields = [field.strip() for field in record.split(",")]
    if len(fields) < 3:
        return (
            "a record needs at least three comma-separated fields: "
            "domain, publisher account ID, DIRECT or RESELLER (then an optional certification authority ID)."
        )
    if len(fields) > 4:
        return f"a record has at most four fields, this one has {len(fields)}."
    domain, account, relationship = fields[:3]
    if not DOMAIN.match(domain):
        return f"the first field must be the advertising system's domain (like google.com), not “{domain}”."
    if not ACCOUNT.match(account):
        return f"the second field must be the publisher account ID, not “{account}”." if account else (
            "the second field (the publisher account ID) is empty."
        )
    if relationship.upper() not in RELATIONSHIPS:
        return f"the third field must be DIRECT or RESELLER, not “{relationship}”."
    if len(fields) == 4 and not CERT_ID.match(fields[3]):
        return f"the fourth field must be a certification authority ID (letters and digits), not “{fields[3]}”."
    return None


def ads_txt_errors(text: str) -> list[str]:
    errors = []
    for number, raw in enumerate((text or "").replace("\r\n", "\n").split("\n"), start=1):
        content = raw.split("#", 1)[0].strip()
        if not content:
            continue
        problem = _line_error(content)
        if problem:
            shown = raw.strip() if len(raw.strip()) <= 80 else raw.strip()[:77] + "…"
            errors.append(f"Line {number} (“{shown}”): {problem}")
    return errors


def validate_ads_txt(text: str) -> None:
    errors = ads_txt_errors(text)
    if errors:
        if len(errors) > MAX_REPORTED:
            errors = errors[:MAX_REPORTED] + [f"… and {len(errors) - MAX_REPORTED} more lines."]
        raise ValidationError(errors)
