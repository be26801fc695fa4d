"""The dashboard written to a file (xuất bảng theo dõi): PDF under the Centre's name,
or XLSX. Runs on the worker; the reports' modules load only when a file is asked for."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from kcdesk.models.db import Database
from kcdesk.services.core import settings
from kcdesk.services.dashboard.board import Dashboard

ExportKind = Literal["pdf", "xlsx"]  # the dashboard's two export formats


def write_dashboard(db: Database, data: Dashboard, kind: ExportKind, target: Path) -> Path:
    """Write ``data`` as ``kind`` to ``target``; returns ``target``."""
    if kind == "pdf":
        from kcdesk.reports.common.org import agency_from_settings
        from kcdesk.reports.dashboard.pdf import save_dashboard_pdf

        with db.session() as session:
            agency = agency_from_settings(settings.get_all(session), "centre")
        save_dashboard_pdf(data, agency, target)
    else:
        from kcdesk.reports.dashboard.xlsx import save_dashboard_xlsx

        save_dashboard_xlsx(data, target)
    return target
