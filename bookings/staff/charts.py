"""Charts drawn on the server: the geometry of an SVG bar chart, for a template to draw.

No JavaScript and nothing from elsewhere: the template writes an inline `<svg>` from these
numbers, and colours come from the stylesheet.
"""

import math
from dataclasses import dataclass

from django.utils.translation import ngettext

from bookings.staff.statistics import WeekRow

PLOT_HEIGHT = 160
TOP = 12
LEFT = 36  # room for the count labels
RIGHT = 8
BOTTOM = 28  # room for the week numbers


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label: str  # the week number under the bar, or "" when the axis would be too crowded
    title: str  # what a pointer shows on hover


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class BarChart:
    width: float
    height: float
    baseline_y: float
    plot_left: float
    plot_right: float
    tick_label_x: float
    label_y: float
    bars: list[Bar]
    ticks: list[Tick]
    busiest: WeekRow | None  # for the text alternative; None when there were no bookings


def _tick_step(top: int) -> int:
    """A round step (1, 2, 5, 10, 20, 50…) giving at most about four gridlines."""
    rough = max(1, math.ceil(top / 4))
    magnitude = 10 ** (len(str(rough)) - 1)
    for step in (1, 2, 5, 10):
        if step * magnitude >= rough:
            return step * magnitude
    return 10 * magnitude


def week_bar_chart(weeks: list[WeekRow]) -> BarChart:
    """Bars of bookings per week, scaled to the busiest week."""
    # Narrower bars for long periods keep a year about 1000 units wide.
    slot = max(14, min(56, 1000 // max(len(weeks), 1)))
    label_every = math.ceil(22 / slot)  # two-digit week numbers need about 22 units
    step = _tick_step(max((week.count for week in weeks), default=0))
    top = max(step, math.ceil(max((w.count for w in weeks), default=0) / step) * step)
    baseline = TOP + PLOT_HEIGHT
    bars = []
    for i, week in enumerate(weeks):
        height = PLOT_HEIGHT * week.count / top
        x = LEFT + i * slot
        count = ngettext("%(count)d booking", "%(count)d bookings", week.count) % {
            "count": week.count
        }
        bars.append(
            Bar(
                x=round(x + slot * 0.15, 1),
                y=round(baseline - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
                label_x=round(x + slot / 2, 1),
                label=str(week.number) if i % label_every == 0 else "",
                title=f"{week.label}: {count}",
            )
        )
    ticks = [
        Tick(y=round(baseline - PLOT_HEIGHT * v / top, 1), value=v) for v in range(0, top + 1, step)
    ]
    width = LEFT + slot * len(weeks) + RIGHT
    return BarChart(
        width=width,
        height=baseline + BOTTOM,
        baseline_y=baseline,
        plot_left=LEFT,
        plot_right=width - RIGHT,
        tick_label_x=LEFT - 6,
        label_y=baseline + 18,
        bars=bars,
        ticks=ticks,
        busiest=max(weeks, key=lambda w: w.count) if any(w.count for w in weeks) else None,
    )
