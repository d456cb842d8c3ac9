"""Public holidays of a calendar's `holidays` sources, from the `holidays`
package (imported lazily, on the first lookup: it costs 40-90 ms).

Observed days are included (US 2021-12-31 is "New Year's Day (observed)");
names are in the package's default language for the country ("Dia da
Liberdade" for PT), never in the process locale's; several sources' names
for one date are joined with "; ".  An unknown country or subdivision raises
`ValueError` at the first lookup.
"""
from __future__ import annotations

import datetime as dt
from typing import Any


class HolidaySources:
    """The public holidays of (country, subdivision or None) sources."""

    def __init__(self, sources: tuple[tuple[str, str | None], ...]) -> None:
        self.sources = sources
        self._objs: list[Any] | None = None  # built on first use

    def _load(self) -> list[Any]:
        if self._objs is None:
            import holidays as _hol

            objs = []
            for country, subdiv in self.sources:
                try:
                    h = _hol.country_holidays(country, subdiv=subdiv, observed=True)
                    lang = getattr(h, "default_language", None)
                    if lang:  # names in the country's language, whatever the locale
                        h = _hol.country_holidays(country, subdiv=subdiv, observed=True,
                                                  language=lang)
                except NotImplementedError as e:
                    where = country + (f"-{subdiv}" if subdiv else "")
                    raise ValueError(f"unknown holidays source {where!r}: {e}") from None
                objs.append(h)  # expands lazily, year by year, and caches
            self._objs = objs
        return self._objs

    def name(self, local_date: dt.date) -> str | None:
        """The holiday's name on `local_date` (any source), or None."""
        if not self.sources:
            return None
        names: list[str] = []
        for h in self._load():
            found = h.get(local_date)
            if found:
                for part in found.split("; "):
                    if part not in names:
                        names.append(part)
        return "; ".join(names) or None
