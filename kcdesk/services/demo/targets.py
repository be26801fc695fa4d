"""Demo outputs recorded per programme target (kết quả trình diễn theo chỉ tiêu).

Each demo proposal belongs to one programme covering its plan year — mostly the
Centre's own (setting ``org.province``), some to the other preset programmes so that
every preset's dashboard has figures — and records its outputs against that
programme's targets. Where several targets share a measure (products recognised at
provincial, regional or national level; "chuyên đề" and "ấn phẩm"), a proposal
records a figure of its own for each, so the demo dashboard shows different figures.

A random generator of its own keeps the rest of the demo data as it was before
targets existed.
"""

from __future__ import annotations

import random
from collections import defaultdict

from sqlalchemy.orm import Session

from kcdesk.models import OutputMeasure, Programme, Target
from kcdesk.services.forms.spec import ActivitySpec
from kcdesk.services.programmes import membership
from kcdesk.services.programmes import store as programmes

# The Centre's own programme comes this many times in the turn for another province's
# one: even, so that a small demo still shows figures on every preset's dashboard.
OWN_WEIGHT = 1


class DemoTargets:
    def __init__(self, session: Session, seed: int, ranges: dict[str, tuple[int, int]]) -> None:
        self.rng = random.Random(seed * 7919 + 18)
        self.ranges = ranges
        self.own = {p.code for p in membership.centre_programmes(session)}
        self.all: list[Programme] = list(programmes.list_programmes(session))
        self.turns: dict[tuple[str, str, str], int] = defaultdict(int)

    def programme_for(self, plan_year: int, activity: str, counted: bool) -> Programme | None:
        """In turn per plan year, activity and whether the proposal reaches the
        catalogue (``counted``), each year starting with another programme, so every
        preset programme gets counted proposals of every activity."""
        covering = [p for p in self.all if p.start_year <= plan_year <= p.end_year]
        if not covering:
            return None
        slots = [p for p in covering for _ in range(OWN_WEIGHT if p.code in self.own else 1)]
        key = (str(plan_year), activity, "counted" if counted else "")
        turn = self.turns[key] + plan_year
        self.turns[key] += 1
        return slots[turn % len(slots)]

    def outputs(
        self,
        programme: Programme | None,
        spec: ActivitySpec,
        facilities: int,
        implemented: bool,
    ) -> list[OutputMeasure]:
        """Outputs against the programme's targets this activity counts toward: every
        target sharing a measure gets its own figure (a media proposal makes both
        "chuyên đề" and "ấn phẩm", in other numbers); proposals and facilities count
        toward one target, in turn."""
        by_measure: dict[str, list[Target]] = defaultdict(list)
        for target in membership.offered_targets(programme, spec.code):
            by_measure[target.measure].append(target)
        out = []
        for measure, targets in by_measure.items():
            # In turn, so that each target of a few demo proposals gets some of them.
            key = (programme.code if programme else "", spec.code, measure)
            turn = self.turns[key]
            self.turns[key] += 1
            # One proposal, its facilities: counted toward one target only.
            width = 1 if measure in ("proposals", "facilities") else len(targets)
            chosen = [targets[(turn + k) % len(targets)] for k in range(width)]
            for target in chosen:
                out.append(self._output(target, measure, facilities, implemented))
        return out

    def _output(
        self, target: Target, measure: str, facilities: int, implemented: bool
    ) -> OutputMeasure:
        if measure == "proposals":
            planned = 1
        elif measure == "facilities" and facilities:
            planned = facilities
        else:
            low, high = self.ranges.get(measure, (1, 3))
            # Targets sharing a measure should not all show the same figure.
            planned = self.rng.randint(low, max(high, low + 1))
        achieved = max(0, planned - self.rng.choice((0, 0, 0, 1))) if implemented else None
        if measure == "proposals" and implemented:
            achieved = 1
        return OutputMeasure(
            measure=measure, target=target.code, planned=planned, achieved=achieved
        )
