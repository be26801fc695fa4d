"""A second workstation for the concurrency tests: ``python -m tests.server_worker``.

Each worker opens the database by URL in its own process, gets ready, writes
``<name>.ready`` in the rendezvous folder and waits for ``go`` there, so two workers
really act at the same moment. What it did is printed as one JSON line.

    python -m tests.server_worker URL DIR NAME save CODE
    python -m tests.server_worker URL DIR NAME create YEAR
    python -m tests.server_worker URL DIR NAME audit COUNT
    python -m tests.server_worker URL DIR NAME attach FILE
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from sqlalchemy import select

from kcdesk.models import Facility, Role
from kcdesk.models.db import open_database
from kcdesk.services.core import retry, settings
from kcdesk.services.core.errors import ConflictError
from kcdesk.services.proposals import lookup, save
from kcdesk.services.proposals.draft import from_proposal
from kcdesk.services.security.actor import Actor


def _rendezvous(folder: Path, name: str) -> None:
    (folder / f"{name}.ready").write_text("ready")
    deadline = time.monotonic() + 120
    while not (folder / "go").exists():
        if time.monotonic() > deadline:
            raise SystemExit("no go")
        time.sleep(0.01)


def main(argv: list[str]) -> int:
    url, folder, name, action, arg = argv[0], Path(argv[1]), argv[2], argv[3], argv[4]
    actor = Actor(name, Role.CENTRE_STAFF, "TTKC", name)
    db = open_database(url)
    out: dict[str, object] = {"name": name}
    try:
        if action == "save":
            with db.session() as s:
                proposal = lookup.get_proposal(s, arg)
                form, revision = from_proposal(proposal), proposal.revision
            form.title = f"Tên do {name} sửa"
            _rendezvous(folder, name)
            try:
                retry.write(
                    db,
                    lambda s: save.update_proposal(
                        s, actor, arg, form, revision, check_files=False
                    ),
                )
                out["result"] = "saved"
            except ConflictError:
                out["result"] = "conflict"
        elif action == "create":
            from tests.proposal_factory import machine_input

            with db.session() as s:
                facility = s.scalars(select(Facility).order_by(Facility.id)).first()
                assert facility is not None
                form = machine_input(facility.uuid, facility.name)
            form.plan_year = int(arg)
            _rendezvous(folder, name)
            code = retry.write(
                db, lambda s: save.create_proposal(s, actor, form, check_files=False).code
            )
            out["code"] = code
        elif action == "audit":
            admin = Actor(name, Role.ADMIN)
            _rendezvous(folder, name)
            for i in range(int(arg)):
                retry.write(db, lambda s, i=i: settings.put(s, admin, f"test.{name}{i}", i))
            out["result"] = "appended"
        elif action == "attach":  # arg = "CODE:FILE": a progress report with a file
            from datetime import date

            from kcdesk.services.implementation import progress
            from kcdesk.services.proposals import attachments

            code, file = arg.split(":", 1)
            _rendezvous(folder, name)
            admin = Actor(name, Role.ADMIN)
            stored = attachments.store_file(Path(file), db=db)

            def report(s):
                proposal = lookup.get_proposal(s, code)
                return progress.add_progress(
                    s, admin, proposal, on=date(2027, 5, 4), percent=40, file=stored
                )

            retry.write(db, report)
            out["hash"] = stored.hash
        else:
            raise SystemExit(f"unknown action {action}")
    finally:
        db.dispose()
    sys.stdout.write(json.dumps(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
