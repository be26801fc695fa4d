"""The files a leader gets on the USB stick from the catalogue screen (Xuất ra USB):
the catalogue as XLSX, PDF and Word, and while it is not approved the tờ trình."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kcdesk.models.catalogue import CatalogueState
from kcdesk.reports.common.org import agency_from_settings
from kcdesk.services.catalogue.build import CatalogueView
from kcdesk.services.catalogue.columns import load_catalogue_form
from kcdesk.services.catalogue.usb_export import Producer
from kcdesk.services.core.file_names import safe_file_name
from kcdesk.services.history.values import source_label


def export_files_for(
    view: CatalogueView,
    values: dict[str, Any],
    *,
    audit_check: Callable[[], str | None] | None = None,
    full: Callable[[], CatalogueView] | None = None,
) -> list[tuple[str, Producer]]:
    """The files a leader gets on the stick: the catalogue as XLSX, PDF and Word (issued by
    whoever issues it now), and while it is not approved the Centre's tờ trình to the
    Department (PDF and Word) and the Department's copy and tờ trình to the chairman.

    ``audit_check`` gives the audit chain's check code ("Mã kiểm tra nhật ký"), printed on
    a catalogue once submitted as ``catalogue export`` prints it; it is asked when the
    files are written (on the worker), so the code is the chain's head at that time.
    ``full``: reads the whole catalogue when ``view`` came without its entries (a live
    draft on screen, issue 24), once, when the first file is written (on the worker)."""
    # ReportLab and openpyxl load when the files are made, not when the section opens.
    from kcdesk.reports.catalogue.pdf import default_issuer, write_catalogue_pdf
    from kcdesk.reports.catalogue.submission_letter_pdf import write_submission_letter
    from kcdesk.reports.catalogue.xlsx import write_catalogue_xlsx

    form = load_catalogue_form()
    checked: list[str | None] = []

    def check() -> str | None:
        if view.state is CatalogueState.DRAFT or audit_check is None:
            return None
        if not checked:
            checked.append(audit_check())
        return checked[0]

    # File names carry the source's name, not its internal code.
    source = source_label(view.funding_source).replace("/", "-")
    stem = f"Danh mục đề án khuyến công {view.plan_year} - {source}"
    issuer = default_issuer(view)
    agency = agency_from_settings(values, issuer)
    read: list[CatalogueView] = []

    def content() -> CatalogueView:
        if full is None:
            return view
        if not read:
            read.append(full())
        return read[0]

    def xlsx(path: Path) -> None:
        write_catalogue_xlsx(content(), form, path, agency=agency, issuer=issuer)

    def pdf(path: Path) -> None:
        write_catalogue_pdf(content(), form, agency, path, issuer=issuer, audit_check=check())

    def pdf_docx(path: Path) -> None:
        from kcdesk.reports.docx.write import docx_bytes

        code, shown = check(), content()
        path.write_bytes(
            docx_bytes(
                lambda h: write_catalogue_pdf(
                    shown, form, agency, h, issuer=issuer, audit_check=code
                )
            )
        )

    files: list[tuple[str, Producer]] = [
        (safe_file_name(f"{stem}.xlsx"), xlsx),
        (safe_file_name(f"{stem}.pdf"), pdf),
        # Word copies, for wording to be adjusted before signature.
        (safe_file_name(f"{stem}.docx"), pdf_docx),
    ]
    if view.state in (CatalogueState.DRAFT, CatalogueState.SUBMITTED):
        department = agency_from_settings(values, "department")

        def letter(path: Path) -> None:
            write_submission_letter(content(), agency, values, path, issuer="centre")

        def letter_docx(path: Path) -> None:
            from kcdesk.reports.docx.write import docx_bytes

            path.write_bytes(
                docx_bytes(
                    lambda h: write_submission_letter(content(), agency, values, h, issuer="centre")
                )
            )

        def department_pdf(path: Path) -> None:
            write_catalogue_pdf(
                content(), form, department, path, issuer="department", audit_check=check()
            )

        def department_letter(path: Path) -> None:
            write_submission_letter(content(), department, values, path, issuer="department")

        suffix = f"{view.plan_year} - {source}"
        files.append((safe_file_name(f"Tờ trình danh mục {suffix}.pdf"), letter))
        files.append((safe_file_name(f"Tờ trình danh mục {suffix}.docx"), letter_docx))
        files.append((safe_file_name(f"Sở - Danh mục {suffix}.pdf"), department_pdf))
        files.append((safe_file_name(f"Sở - Tờ trình danh mục {suffix}.pdf"), department_letter))
    return files
