"""The role each command needs, checked before the command reads any of its input.

The services check the role too (``require`` before they write); checking here first
means a user without the role learns nothing from the command — not whether a file,
a council or a conflict exists — and every command is covered by one table (issue 19,
tested command × role in tests/test_cli_role_matrix.py).
"""

from __future__ import annotations

import argparse

from kcdesk.cli.context import CliContext
from kcdesk.services.security import permissions as P

COMMAND_PERMISSIONS: dict[str, str] = {
    "appraisal create": P.APPRAISAL_EDIT,
    "appraisal member-add": P.APPRAISAL_EDIT,
    "appraisal agenda-add": P.APPRAISAL_EDIT,
    "appraisal conflict": P.APPRAISAL_EDIT,
    "appraisal scores": P.APPRAISAL_EDIT,
    "appraisal record": P.APPRAISAL_EDIT,
    "appraisal undo": P.APPRAISAL_EDIT,
    "proposal import-xlsx": P.PROPOSAL_EDIT,
    "catalogue submit": P.CATALOGUE_EDIT,
    "catalogue reopen": P.CATALOGUE_EDIT,
    "catalogue approve": P.CATALOGUE_APPROVE,
    "catalogue department-letter": P.CATALOGUE_EDIT,
    "programme import": P.PROGRAMME_EDIT,
    "programme edit-target": P.PROGRAMME_EDIT,
    "office add": P.OFFICES_ADMIN,
    "office join": P.OFFICES_ADMIN,
    "pack export": P.EXCHANGE,
    "pack import": P.EXCHANGE,
    "conflict resolve": P.EXCHANGE,
    "implementation start": P.IMPLEMENTATION_EDIT,
    "disbursement add": P.IMPLEMENTATION_EDIT,
    "settlement record": P.IMPLEMENTATION_EDIT,
    "audit verify": P.INTEGRITY_CHECK,
    "audit list": P.AUDIT_VIEW,
    "audit key": P.RESTORE,
    "user add": P.USERS_ADMIN,
    "user reset": P.USERS_ADMIN,
    "user disable": P.USERS_ADMIN,
    "user enable": P.USERS_ADMIN,
    "backup": P.BACKUP,
    "check": P.INTEGRITY_CHECK,
    "settings set": P.SETTINGS_EDIT,
    "proposal add": P.PROPOSAL_EDIT,
    "programme assign": P.PROPOSAL_EDIT,
    "commune set": P.PROPOSAL_EDIT,
    "merge": P.RESTORE,
}


def command_name(args: argparse.Namespace) -> str:
    """``"proposal list"`` for a grouped command, ``"backup"`` for a plain one."""
    leaf = getattr(args, f"{args.command}_command", None)
    return f"{args.command} {leaf}" if leaf else str(args.command)


def check_role(args: argparse.Namespace, ctx: CliContext) -> None:
    """Refuse (PermissionDenied, one line) a command the logged-in role may not run."""
    needed = COMMAND_PERMISSIONS.get(command_name(args))
    if needed is not None:
        P.require(ctx.actor, needed)
