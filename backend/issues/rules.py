"""Numbers the issue workflow runs on, each named once (overridable from the environment)."""

from __future__ import annotations

import datetime as dt
import os

from backend.platform import glossary

# Default deadline for a department: this many Chinese working days after it got the issue
# (public holidays and adjusted weekend workdays included), ending 23:59:59 Asia/Shanghai.
DEFAULT_DEADLINE_WORKING_DAYS = int(os.environ.get("ISSUE_DEADLINE_WORKING_DAYS") or 5)

# A phone's clock may run a little ahead: a `reported_at` up to this far in the future is taken
# as "now"; beyond it the request is refused.
CLOCK_SKEW = dt.timedelta(minutes=5)

# The resolution recorded for an issue solved on the spot when the visit gave none.
ON_SPOT_RESOLUTION = glossary.NOTES["solved_on_the_spot"]

# A department "responds" in time when it acts on an issue by the end of this many working days
# after it got it (the department league's response rate).
RESPONSE_WORKING_DAYS = 1
