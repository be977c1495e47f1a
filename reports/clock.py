"""When a report was generated: one timestamp per run, shared by every page and format.

``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) pins it, so two runs over the same
inputs can still be compared byte for byte.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime


def generated_at(result) -> datetime:
    """The run's generation time (UTC), fixed on first use and kept on the result."""
    extra = result.extra
    if "generated" not in extra:
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        extra["generated"] = (datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit()
                              else datetime.now(UTC).replace(microsecond=0))
    return extra["generated"]


def local_text(when: datetime) -> str:
    """As a reviewer reads it: local time with its offset."""
    return when.astimezone().strftime("%Y-%m-%d %H:%M:%S %z")


def iso_utc(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
