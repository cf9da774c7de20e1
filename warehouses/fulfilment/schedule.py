"""Departure arithmetic: waiting for the next scheduled departure, with cut-offs in the hub's own time zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .errors import ConsolidationError


def wait_days_by_weekday(departure_weekdays: tuple[int, ...]) -> tuple[int, ...]:
    """For each weekday (0 = Monday), whole days until the next departure (0 if one leaves that day)."""
    return tuple(min((day - weekday) % 7 for day in departure_weekdays) for weekday in range(7))


def local_ready(ship: date | datetime | None, zone: ZoneInfo) -> tuple[date, time | None]:
    """When goods are ready at a hub, as its local date and time.

    A plain date means ready at the start of that day, so it makes that day's cut-off (time None).
    A naive datetime is read as the hub's local time; an aware one is converted to the hub's zone.
    """
    if ship is None:
        now = datetime.now(zone)
        return now.date(), now.time()
    if isinstance(ship, datetime):
        local = ship.replace(tzinfo=zone) if ship.tzinfo is None else ship.astimezone(zone)
        return local.date(), local.time()
    return ship, None


def misses_cutoff(ready_time: time | None, cutoff_local: time) -> bool:
    """Goods handed in after the cut-off leave with the next departure, not today's."""
    return ready_time is not None and ready_time > cutoff_local


def next_departure_on(
    departure_weekdays: tuple[int, ...], cutoff_local: time, zone: ZoneInfo, ready_at: datetime
) -> datetime:
    """The cut-off moment (aware, in the hub's zone) of the first departure goods ready at `ready_at` make."""
    if ready_at.tzinfo is None:
        raise ConsolidationError("ready_at must be timezone-aware", field="ready_at", code="naive_datetime")
    local = ready_at.astimezone(zone)
    waits = wait_days_by_weekday(departure_weekdays)
    day = local.date()
    if misses_cutoff(local.time(), cutoff_local):
        day += timedelta(days=1)
    day += timedelta(days=waits[day.weekday()])
    # Hubs on this network keep no daylight saving, but fold=0 keeps the result defined if one does.
    return datetime.combine(day, cutoff_local, tzinfo=zone)
