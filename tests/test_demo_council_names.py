"""Demo councils: every member has a name of their own, whatever the seed.

The bench builds its large databases from many demo chunks with successive seeds;
seed 5 drew the Centre director's name for another member and the council refused
the second "Nông Văn Đức", so no database over 8,000 proposals could be built.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kcdesk.models.appraisal import CouncilMember
from kcdesk.models.db import Database
from kcdesk.services.core import settings
from kcdesk.services.setup import first_run as setup


@pytest.mark.parametrize("seed", [1, 5])
def test_demo_council_members_have_distinct_names(db: Database, seed: int) -> None:
    setup.add_demo_data(db, proposals=60, seed=seed, year=2027)
    with db.session() as session:
        names = list(session.scalars(select(CouncilMember.name)))
        director = settings.get(session, "signer.centre_name")
    assert names, "the demo made a council"
    assert len(names) == len(set(names))
    assert director in names
