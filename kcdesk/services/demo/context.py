"""What the demo generator hands to the modules that add to it (dữ liệu mẫu)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from kcdesk.models import Facility, Proposal
from kcdesk.services.security.actor import Actor


@dataclass
class DemoContext:
    """What the appraisal and implementation demo modules get: the generator's rng, the plan year, what was made."""

    rng: random.Random
    year: int
    actor: Actor
    proposals: list[Proposal] = field(default_factory=list)
    facilities: list[Facility] = field(default_factory=list)
