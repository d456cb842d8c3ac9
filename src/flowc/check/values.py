"""Literal values that must have a shape: time zones (F206, F308),
holiday countries and subdivisions (F207), e-mail addresses (F218), URLs
(F210), phone numbers (F222), a person's contacts (F219), and the length of
an SMS (F211, and F212 with placeholders filled in at estimated widths).

The tz database and the `holidays` package are imported only when a project
names a time zone or holidays.
"""
from __future__ import annotations

import functools
import re

from .. import ir, limits, schema
from ..diagnostics import Note, did_you_mean, suggest
from ..source import Span
from .context import Ctx, Run
from .messages import article, plain_list
from .names import check_employee, field_info, unknown_person


#: Estimated width of a filled-in placeholder, for the SMS length (F212).
PLACEHOLDER_WIDTH = {
    "text": 30, "number": 8, "money": 12, "date": 10, "datetime": 16, "boolean": 3,
    "employee": 20, "contact": 20, "company": 25, "client": 25, "file": 20,
}


SUBFIELD_WIDTH = {"name": 20, "email": 30, "phone": 16}


UNKNOWN_WIDTH = 20


EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+\Z")


URL = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<host>[^/?#\s:]*)(?::(?P<port>[^/?#\s]*))?"
                 r"(?P<rest>[/?#]\S*)?\Z")


HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\Z")


PHONE = re.compile(r"\+?[0-9 ().-]+\Z")


@functools.lru_cache(maxsize=1)
def all_timezones() -> frozenset[str]:
    try:
        import zoneinfo
        return frozenset(zoneinfo.available_timezones())
    except Exception:  # pragma: no cover - no tz database at all
        return frozenset()


@functools.lru_cache(maxsize=256)
def timezone_ok(name: str) -> bool:
    try:
        import zoneinfo
        zoneinfo.ZoneInfo(name)
        return True
    except Exception:
        return False


def suggest_timezone(name: str) -> str | None:
    zones = all_timezones()
    low = name.strip().lower().replace(" ", "_")
    for z in sorted(zones):
        if z.lower() == low or z.rsplit("/", 1)[-1].lower() == low:
            return z
    return suggest(name.strip(), zones)


@functools.lru_cache(maxsize=1)
def holiday_countries() -> dict[str, list[str]]:
    try:
        import holidays  # ~90 ms: only when a calendar has `holidays`
        return dict(holidays.list_supported_countries())
    except Exception:  # pragma: no cover - the package is a dependency
        return {}


@functools.lru_cache(maxsize=256)
def holidays_ok(country: str, subdivision: str | None) -> bool:
    try:
        import holidays
        holidays.country_holidays(country, subdiv=subdivision)
        return True
    except Exception:
        return False


_OFFSET = re.compile(r"(?:UTC|GMT|Z)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.I)


def offset_help(name: str) -> list[Note]:
    """`UTC+1`, `GMT-03:00`, `+05:30`: an offset, which is no time zone.
    A whole-hour offset is an `Etc/GMT` zone, whose sign is the other way
    round (POSIX); any offset is also the standard time of some city."""
    m = _OFFSET.fullmatch(name.strip())
    if not m:
        return []
    sign, hours, minutes = m.group(1), int(m.group(2)), int(m.group(3) or 0)
    if hours > 14 or minutes >= 60:
        return []
    written = f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")
    notes = []
    if not minutes and hours:
        etc = f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
        notes.append(Note(f'for a fixed {written} all year, write "{etc}": the sign of the Etc/GMT zones is '
                          f'the other way round (POSIX: {etc} is {written})'))
    city = _city_at(sign, hours, minutes)
    if city:
        notes.append(Note(f'for the clock of a place, with its summer time, name a city: like "{city}" '
                          f'({written} in January)'))
    return notes


#: Cities looked at first, so that the example is one people know.
_WELL_KNOWN = ("Europe/London", "Europe/Paris", "Europe/Athens", "Europe/Moscow", "Asia/Dubai", "Asia/Karachi",
               "Asia/Kolkata", "Asia/Kathmandu", "Asia/Dhaka", "Asia/Bangkok", "Asia/Shanghai", "Asia/Tokyo",
               "Australia/Brisbane", "Pacific/Auckland", "America/Sao_Paulo", "America/New_York",
               "America/Chicago", "America/Denver", "America/Los_Angeles", "Pacific/Honolulu",
               "Atlantic/Azores", "America/Halifax", "America/St_Johns", "Asia/Tehran", "Asia/Kabul",
               "Australia/Adelaide")


def _city_at(sign: str, hours: int, minutes: int) -> str | None:
    """A city whose standard (January) time is this offset from UTC."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    want = dt.timedelta(hours=hours, minutes=minutes) * (1 if sign == "+" else -1)
    for z in [*_WELL_KNOWN, *sorted(all_timezones())]:
        if "/" not in z or z.startswith(("Etc/", "SystemV/", "US/")):
            continue
        try:
            if dt.datetime(2026, 1, 15, 12, tzinfo=ZoneInfo(z)).utcoffset() == want:
                return z
        except Exception:
            continue
    return None


def check_timezone_name(run: Run, name: ir.Name | None) -> None:
    if name is None or name.value is None:
        return
    if timezone_ok(name.value):
        return
    notes = offset_help(name.value)
    best = None if notes else suggest_timezone(name.value)
    notes += [Note(f'did you mean "{best}"?')] if best else []
    notes.append(Note('time zones are IANA names, like "Europe/Lisbon" or "America/New_York"'))
    run.error("F206", f'unknown time zone "{name.value}"', name.span, "not a time zone", notes)


def check_timezones(run: Run) -> None:
    tzs = run.project.timezones
    for tz in tzs:
        check_timezone_name(run, tz)
    first = tzs[0] if tzs else None
    for tz in tzs[1:]:
        if first is not None and tz.value != first.value:
            run.error("F308", f'the flow\'s time zone is declared again as "{tz.value}"', tz.span,
                      f'the flow already runs in "{first.value}"',
                      [Note("first declared here", first.span, "note"),
                       Note("declare the time zone once; a calendar may have its own `timezone`")])


def check_holidays(run: Run, h: ir.HolidaySource) -> None:
    country, sub = h.country, h.subdivision
    countries = holiday_countries()
    written = country + (f"-{sub}" if sub else "")
    if not countries:  # pragma: no cover - the holidays package is missing
        return
    if country not in countries:
        best = suggest(country, countries) if country else None
        if best is None and country.upper() in countries:
            best = country.upper()
        notes = [Note(f'did you mean "{best + (f"-{sub}" if sub else "")}"?')] if best else []
        notes.append(Note('holidays take an ISO country code, optionally with a subdivision: "PT", "US-CA"'))
        run.error("F207", f'unknown holiday country "{country}"', h.span,
                  "no public holidays are known for this country", notes)
        return
    if sub is not None and not holidays_ok(country, sub):
        subs = countries.get(country) or []
        if not subs:
            run.error("F207", f'unknown holiday subdivision "{written}"', h.span,
                      f'"{country}" has no subdivisions', [Note(f'write "{country}"')])
            return
        best = suggest(sub, subs)
        notes = [Note(f'did you mean "{country}-{best}"?')] if best else []
        notes.append(Note(f'subdivisions of "{country}": {plain_list(subs[:30])}'
                          + (f", ... ({len(subs) - 30} more)" if len(subs) > 30 else "")))
        run.error("F207", f'unknown holiday subdivision "{written}"', h.span,
                  f'"{country}" has no subdivision "{sub}"', notes)


def check_email(run: Run, value: str | None, span: Span, what: str) -> None:
    if value is None:
        return
    if not EMAIL.match(value.strip()) or value != value.strip():
        run.error("F218", f'"{value}" is not an e-mail address', span,
                  f"{what} needs an address like name@example.com")


def check_url(run: Run, text: str | None, span: Span, what: str, has_placeholders: bool = False,
              shown: str | None = None) -> bool:
    if text is None:
        return True
    shown = text if shown is None else shown
    m = URL.match(text)
    problem = None
    if text != text.strip() or any(c.isspace() for c in text):
        problem = "a URL cannot contain spaces"
    elif m is None:
        problem = "a URL starts with http:// or https://"
    elif m.group("scheme").lower() not in ("http", "https"):
        problem = f'"{m.group("scheme")}" is not http or https'
    elif not m.group("host") or not (HOST.match(m.group("host")) or has_placeholders):
        problem = "the address has no valid host name"
    elif m.group("port") is not None and not (m.group("port").isascii() and m.group("port").isdigit()
                                              and len(m.group("port")) <= 5 and 0 < int(m.group("port")) < 65536):
        problem = "the port is not a number from 1 to 65535"
    if problem is None:
        return True
    notes = []
    if m is None and "://" not in text and HOST.match(text.split("/")[0].split("?")[0] or "-") and "." in text:
        notes.append(Note(f'did you mean "https://{shown}"?'))
    notes.append(Note(f"{what} must be a full URL, like https://example.com/path"))
    run.error("F210", f'malformed URL "{shown if len(shown) <= 60 else shown[:57] + "..."}"', span, problem,
              notes)
    return False


def is_mp3_url(url: str) -> bool:
    """An http(s) URL with a host name whose path ends in .mp3."""
    m = URL.match(url)
    return (m is not None and m.group("scheme").lower() in ("http", "https") and bool(m.group("host"))
            and HOST.match(m.group("host")) is not None
            and re.search(r"\.mp3\Z", (m.group("rest") or "").split("?")[0].split("#")[0], re.I) is not None)


def check_phone(run: Run, value: str | None, span: Span) -> None:
    if value is None:
        return
    digits = sum(c.isdigit() for c in value)
    if not PHONE.match(value.strip()) or not 3 <= digits <= 15 or "+" in value.strip()[1:]:
        run.error("F222", f'"{value}" is not a phone number', span,
                  "a phone number has 3 to 15 digits, an optional leading +, spaces, dashes, dots or parentheses",
                  [Note('write it like "+351 910 000 000"')])


def check_person(run: Run, person: ir.Person, scenario: ir.Scenario | None) -> None:
    ctx = Ctx(scenario=scenario)
    for c in person.emails:
        if c.type not in schema.EMAIL_TYPES:
            run.error("F219", f'unknown e-mail type "{c.type}"', c.span,
                      f"e-mail types are {plain_list(schema.EMAIL_TYPES)}",
                      did_you_mean(c.type, schema.EMAIL_TYPES))
        check_email(run, c.value, c.span, "an e-mail")
    for c in person.phones:
        if c.type not in schema.PHONE_TYPES:
            run.error("F219", f'unknown phone type "{c.type}"', c.span,
                      f"phone types are {plain_list(schema.PHONE_TYPES)}",
                      did_you_mean(c.type, schema.PHONE_TYPES))
        check_phone(run, c.value, c.span)
    for c in person.mailboxes:
        check_email(run, c.value, c.span, "a mailbox")
    if person.company is not None:
        check_contact_company(run, person, ctx)
    if person.supervisor is not None:
        if person.supervisor.value == person.name.value:
            run.error("F110", f'"{person.name.value}" is their own supervisor', person.supervisor.span,
                      "a supervisor is another employee")
        else:
            check_employee(run, person.supervisor, ctx, "supervisor")


def check_contact_company(run: Run, person: ir.Person, ctx: Ctx) -> None:
    """`contact joana { company quinta }`: the company a contact works for
    (`{contact.company.name}`)."""
    name = person.company
    if person.kind != "contact":
        run.error("F217", f"{article(person.kind)} has no company", name.span,
                  "`company` names the company a contact works for",
                  [Note("remove it, or declare the person as a contact")])
        return
    other = run.index.people(ctx.scenario).get(name.value)
    if other is None:
        unknown_person(run, name, "company", ctx)
    elif other.kind != "company":
        run.error("F217", f'"{name.value}" is {article(other.kind)}, not a company', name.span,
                  "a contact's `company` must be a company", ctx.notes())


def estimated_width(run: Run, ph: ir.Placeholder, ctx: Ctx) -> int:
    if ctx.entity is None:
        return UNKNOWN_WIDTH
    typ, info = field_info(run, ph.path, ph.span, ctx, report=False)
    if len(ph.path) > 1:
        return SUBFIELD_WIDTH.get(ph.path[-1], PLACEHOLDER_WIDTH.get(typ or "", UNKNOWN_WIDTH))
    if typ == "list" and info is not None and info.choices:
        return max(len(c) for c in info.choices)
    return PLACEHOLDER_WIDTH.get(typ or "", UNKNOWN_WIDTH)


def check_sms_text(run: Run, param: ir.Param, ctx: Ctx) -> None:
    t = param.value
    if not isinstance(t, ir.Template):
        return
    limit = limits.SMS_MAX_LENGTH
    literal = t.literal_length
    if literal > limit:
        run.error("F211", f"the SMS text is too long ({literal} characters)", t.span,
                  f"{literal - limit} character{'s' if literal - limit != 1 else ''} over the limit of {limit}",
                  [Note(f"an SMS holds at most {limit} characters; shorten the text"), *ctx.notes()])
        return
    phs = t.placeholders
    if not phs:
        return
    widths = [(ph, estimated_width(run, ph, ctx)) for ph in phs]
    total = literal + sum(w for _, w in widths)
    if total > limit:
        parts = ", ".join(f"{{{ph.text}}} ~{w}" for ph, w in widths[:6]) + (", ..." if len(widths) > 6 else "")
        run.warning("F212", f"the SMS may be too long once its placeholders are filled in (about {total} characters)",
                    t.span, f"{literal} characters of text plus about {total - literal} from placeholders: "
                             f"about {total - limit} over {limit}",
                    [Note(f"estimated placeholder widths: {parts}"),
                     Note(f"an SMS holds at most {limit} characters; shorten the text"), *ctx.notes()])
