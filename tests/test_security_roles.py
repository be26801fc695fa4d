"""Role matrix: every role × every protected action, through the real services.

The expected matrix is written out here by hand (not read from ``permissions``), so
a change to who may do what fails a test until it is made on purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kcdesk.models import Proposal, ProposalStatus, Role
from kcdesk.models.db import Database, backup_sqlite, open_database
from kcdesk.services.appraisal import councils as appraisal
from kcdesk.services.backup import backup_restore as backup
from kcdesk.services.backup import integrity
from kcdesk.services.catalogue import versions as catalogue
from kcdesk.services.core import settings
from kcdesk.services.core.errors import NotFoundError, PermissionDenied, UserError
from kcdesk.services.programmes import store as programmes
from kcdesk.services.programmes.file import preset_paths
from kcdesk.services.proposals import lookup as proposals
from kcdesk.services.proposals import workflow
from kcdesk.services.security import passwords, permissions, scope, users
from kcdesk.services.security.actor import SYSTEM, Actor

S = ProposalStatus
ADMIN, STAFF, SECRETARY, LEADER, CLERK = (
    Role.ADMIN,
    Role.CENTRE_STAFF,
    Role.SECRETARY,
    Role.LEADER,
    Role.OFFICE_CLERK,
)
ALL = frozenset(Role)

# action -> roles that may do it
EXPECTED: dict[str, frozenset[Role]] = {
    "status.forward": frozenset({ADMIN, STAFF, SECRETARY, CLERK}),
    "status.approve": frozenset({ADMIN, STAFF, LEADER}),
    "settings.put": frozenset({ADMIN}),
    "programme.import": frozenset({ADMIN, STAFF}),
    "users.add": frozenset({ADMIN}),
    "users.reset": frozenset({ADMIN}),
    "users.disable": frozenset({ADMIN}),
    "backup.create": frozenset({ADMIN, STAFF}),
    "backup.restore": frozenset({ADMIN}),
    "integrity.check": frozenset({ADMIN, STAFF, SECRETARY, LEADER}),
    "catalogue.create": frozenset({ADMIN, STAFF}),
    "catalogue.approve": frozenset({ADMIN, LEADER}),
    "appraisal.create_session": frozenset({ADMIN, STAFF, SECRETARY}),
}
# Actions whose permission gate is all this test checks: past the gate, the service may
# still refuse for a reason of its own (e.g. no catalogue submitted yet).
GATE_ONLY = frozenset({"catalogue.approve"})


@pytest.fixture(autouse=True)
def _fast_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "N", 2**10)


def actor_of(role: Role, office: str = "") -> Actor:
    return Actor(username=f"nguoi_{role.value}", role=role, office_code=office)


def first_with(session: Session, status: S) -> Proposal:
    found = session.scalars(select(Proposal).where(Proposal.status == status).limit(1)).first()
    assert found is not None, f"demo data has no proposal in {status}"
    return found


def _forward(session: Session, actor: Actor) -> None:
    workflow.change_status(session, actor, first_with(session, S.RECEIVED), S.FORWARDED)


def _approve(session: Session, actor: Actor) -> None:
    workflow.change_status(
        session,
        actor,
        first_with(session, S.SUBMITTED),
        S.APPROVED,
        decision_no="123/QĐ-UBND",
        decision_date=date(2026, 10, 20),
    )


def _settings(session: Session, actor: Actor) -> None:
    settings.put(session, actor, "org.province", "Lạng Sơn")


def _programme(session: Session, actor: Actor) -> None:
    programmes.import_programme(session, actor, preset_paths()[0])


def _add_user(session: Session, actor: Actor) -> None:
    users.add_user(
        session, actor, username="moi", full_name="", role=Role.LEADER, password="mat-khau-dai-1"
    )


def _with_target_user(action: Callable[[Session, Actor], None]) -> Callable[[Session, Actor], None]:
    def run(session: Session, actor: Actor) -> None:
        users.add_user(
            session, SYSTEM, username="dich", full_name="", role=STAFF, password="mat-khau-dai-1"
        )
        action(session, actor)

    return run


def _catalogue(session: Session, actor: Actor) -> None:
    catalogue.ensure_catalogue(session, actor, 2031, "quoc_gia")


def _catalogue_approve(session: Session, actor: Actor) -> None:
    catalogue.ensure_catalogue(session, SYSTEM, 2031, "quoc_gia")  # drawn up by the Centre
    catalogue.approve(
        session, actor, 2031, "quoc_gia", decision_no="1/QĐ-UBND", decision_date=date(2030, 10, 1)
    )


def _appraisal(session: Session, actor: Actor) -> None:
    appraisal.create_session(session, actor, name="Hội đồng thẩm định 2031", plan_year=2031)


SESSION_ACTIONS: dict[str, Callable[[Session, Actor], None]] = {
    "catalogue.create": _catalogue,
    "catalogue.approve": _catalogue_approve,
    "appraisal.create_session": _appraisal,
    "status.forward": _forward,
    "status.approve": _approve,
    "settings.put": _settings,
    "programme.import": _programme,
    "users.add": _add_user,
    "users.reset": _with_target_user(
        lambda s, a: users.reset_password(s, a, "dich", "mat-khau-khac-2")
    ),
    "users.disable": _with_target_user(lambda s, a: users.set_active(s, a, "dich", False)),
}


def _session_outcome(db: Database, action: str, role: Role) -> bool:
    """True when the service let the role act; the work is rolled back after."""
    session = db.session_factory()
    try:
        SESSION_ACTIONS[action](session, actor_of(role, "X"))
        return True
    except PermissionDenied as exc:
        # Every refusal names the account and what it may not do.
        assert f"nguoi_{role.value}" in str(exc) and "không có quyền" in str(exc)
        return False
    except UserError:
        if action in GATE_ONLY:
            return True
        raise
    finally:
        session.rollback()
        session.close()


@pytest.mark.parametrize("action", sorted(SESSION_ACTIONS))
def test_session_services_follow_the_matrix(demo_db: Database, action: str) -> None:
    allowed = {role for role in Role if _session_outcome(demo_db, action, role)}
    assert allowed == EXPECTED[action]


@pytest.mark.sqlite_only  # SQLite file backup
def test_backup_and_restore_follow_the_matrix(demo_db: Database, tmp_path: Path) -> None:
    assert demo_db.path is not None
    made: set[Role] = set()
    restored: set[Role] = set()
    for role in Role:
        try:
            backup.create_backup(demo_db, tmp_path / f"{role.value}.zip", actor_of(role))
            made.add(role)
        except PermissionDenied as exc:
            assert "sao lưu" in str(exc)
        # Restore onto a copy, so every role starts from the same database.
        copy = tmp_path / f"copy-{role.value}.sqlite"
        backup_sqlite(demo_db.path, copy)
        target = open_database(copy)
        source = tmp_path / "source.zip"
        if not source.exists():
            backup.create_backup(demo_db, source, SYSTEM)
        try:
            result = backup.restore_backup(target, source, actor_of(role))
            result.database.dispose()
            restored.add(role)
        except PermissionDenied as exc:
            assert "khôi phục" in str(exc)
        finally:
            target.dispose()
    assert made == EXPECTED["backup.create"]
    assert restored == EXPECTED["backup.restore"]
    assert sorted(p.name for p in tmp_path.glob("*.zip")) == sorted(
        [f"{r.value}.zip" for r in EXPECTED["backup.create"]] + ["source.zip"]
    )


def test_integrity_check_follows_the_matrix(demo_db: Database) -> None:
    allowed: set[Role] = set()
    for role in Role:
        try:
            integrity.check(demo_db, actor_of(role))
            allowed.add(role)
        except PermissionDenied:
            pass
    assert allowed == EXPECTED["integrity.check"]


def test_every_permission_is_granted_as_designed() -> None:
    by_role = {
        ADMIN: set(permissions.ALL_PERMISSIONS),
        STAFF: {
            permissions.PROPOSAL_EDIT,
            permissions.PROPOSAL_STATUS,
            permissions.PROPOSAL_APPROVE,
            permissions.PROGRAMME_EDIT,
            permissions.APPRAISAL_EDIT,
            permissions.CATALOGUE_EDIT,
            permissions.AMENDMENT_EDIT,
            permissions.EXCHANGE,
            permissions.OFFICES_ADMIN,  # issuing keys: Centre staff, never office clerks
            permissions.IMPLEMENTATION_EDIT,
            permissions.BACKUP,
            permissions.INTEGRITY_CHECK,
            permissions.AUDIT_VIEW,
        },
        SECRETARY: {
            permissions.APPRAISAL_EDIT,
            permissions.PROPOSAL_STATUS,
            permissions.INTEGRITY_CHECK,
        },
        LEADER: {
            permissions.PROPOSAL_APPROVE,
            permissions.CATALOGUE_APPROVE,
            permissions.AMENDMENT_APPROVE,
            permissions.INTEGRITY_CHECK,
            permissions.AUDIT_VIEW,
        },
        CLERK: {permissions.PROPOSAL_EDIT, permissions.PROPOSAL_STATUS, permissions.EXCHANGE},
    }
    for role in Role:
        actor = actor_of(role)
        granted = {p for p in permissions.ALL_PERMISSIONS if permissions.allowed(actor, p)}
        assert granted == by_role[role], role
    # Leaders write nothing but decisions.
    leader = actor_of(LEADER)
    for perm in permissions.ALL_PERMISSIONS - by_role[LEADER]:
        with pytest.raises(PermissionDenied):
            permissions.require(leader, perm)


def test_leader_records_decisions_but_no_clerical_move(demo_db: Database) -> None:
    leader = actor_of(LEADER)
    with demo_db.session() as session:
        proposal = first_with(session, S.APPROVED)
        with pytest.raises(PermissionDenied):
            workflow.change_status(session, leader, proposal, S.IMPLEMENTING)
        workflow.change_status(
            session,
            leader,
            proposal,
            S.STOPPED,
            reason="Cơ sở xin dừng",
            decision_no="9/QĐ-UBND",
            decision_date=date(2027, 3, 1),
        )
        assert proposal.status is S.STOPPED


# -- own office only ---------------------------------------------------------------
def test_clerk_sees_only_own_office_proposals(demo_db: Database) -> None:
    with demo_db.session() as session:
        everything = proposals.list_proposals(session)
        offices = sorted({p.office_code for p in everything})
        assert len(offices) >= 2
        mine, other = offices[0], offices[1]
        clerk = actor_of(CLERK, mine)
        seen = proposals.list_proposals(session, actor=clerk)
        assert seen and {p.office_code for p in seen} == {mine}
        assert len(seen) == sum(1 for p in everything if p.office_code == mine)
        foreign = next(p for p in everything if p.office_code == other)
        with pytest.raises(NotFoundError):
            proposals.get_proposal(session, foreign.code, actor=clerk)
        own = next(p for p in everything if p.office_code == mine)
        assert proposals.get_proposal(session, own.code, actor=clerk).code == own.code
        # Other roles see everything.
        for role in (ADMIN, STAFF, SECRETARY, LEADER):
            assert len(proposals.list_proposals(session, actor=actor_of(role))) == len(everything)
        # A clerk without an office sees nothing, never everything.
        assert proposals.list_proposals(session, actor=actor_of(CLERK, "")) == []
        assert not scope.can_see(actor_of(CLERK, ""), own)


def test_clerk_cannot_edit_another_offices_proposal(demo_db) -> None:
    """update_proposal looks the proposal up within the clerk's own office only."""
    from kcdesk.models import Proposal, Role
    from kcdesk.services.core.errors import NotFoundError
    from kcdesk.services.proposals import save as proposal_save
    from kcdesk.services.proposals.draft import ProposalInput
    from kcdesk.services.security.actor import Actor

    with demo_db.session() as session:
        proposal = session.query(Proposal).filter(Proposal.office_code != "").first()
        assert proposal is not None
        code, office, revision = proposal.code, proposal.office_code, proposal.revision
    clerk = Actor(username="x", role=Role.OFFICE_CLERK, office_code="KHAC-" + office)
    with demo_db.session() as session, pytest.raises(NotFoundError):
        proposal_save.update_proposal(
            session, clerk, code, ProposalInput(plan_year=2027, title="Sửa trộm"), revision
        )
