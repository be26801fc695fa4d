"""The main window's sections (các mục của cửa sổ chính).

Each module ``kcdesk/ui/sections/<key>.py`` defines ``create(ctx: AppContext) -> QWidget``.
A section is built the first time the user opens it, so its module is imported then
(start-up stays fast: the dashboard's charts or the appraisal grid are not loaded until
needed); :func:`create_section` names every module explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:  # the main window's frame is shown before the database layer loads
    from kcdesk.ui.app_context import AppContext


@dataclass(frozen=True)
class SectionInfo:
    key: str
    title: str
    description: str  # the navigation item's tooltip


SECTIONS: tuple[SectionInfo, ...] = (
    SectionInfo(
        "proposals",
        "Đề án",
        "Sổ đăng ký đề án: tìm kiếm không dấu, lọc theo năm, trạng thái, nội dung; "
        "thêm đề án mới theo mẫu Phụ lục II; chuyển trạng thái theo quy trình.",
    ),
    SectionInfo(
        "dashboard",
        "Bảng điều khiển chương trình",
        "Tiến độ thực hiện chỉ tiêu chương trình khuyến công giai đoạn.",
    ),
    SectionInfo(
        "appraisal",
        "Thẩm định",
        "Hội đồng thẩm định, in phiếu đánh giá, nhập điểm, kết quả và biên bản thẩm định.",
    ),
    SectionInfo(
        "catalogue",
        "Danh mục",
        "Danh mục đề án khuyến công theo năm kế hoạch và nguồn kinh phí; xuất Excel, PDF "
        "ra USB; nhập danh sách Excel cũ.",
    ),
    SectionInfo(
        "implementation",
        "Thực hiện",
        "Tiến độ thực hiện, nghiệm thu, tạm ứng, thanh toán và quyết toán đề án.",
    ),
    SectionInfo(
        "exchange",
        "Trao đổi dữ liệu",
        "Gói dữ liệu có chữ ký giữa đơn vị địa phương và Trung tâm qua USB.",
    ),
    SectionInfo(
        "audit",
        "Nhật ký",
        "Nhật ký thao tác: ai sửa gì, khi nào; kiểm tra chuỗi nhật ký toàn vẹn.",
    ),
    SectionInfo(
        "settings",
        "Cài đặt",
        "Tên cơ quan, người ký, hạn nộp hồ sơ; người dùng và phân quyền; sao lưu, khôi phục.",
    ),
)


def _proposals(ctx: AppContext) -> QWidget:
    from kcdesk.ui.sections.proposals import create

    return create(ctx)


def _dashboard(ctx: AppContext) -> QWidget:
    from kcdesk.ui.sections.dashboard import create

    return create(ctx)


def _appraisal(ctx: AppContext) -> QWidget:
    from kcdesk.ui.sections.appraisal import create

    return create(ctx)


def _catalogue(ctx: AppContext) -> QWidget:
    from kcdesk.ui.sections.catalogue import create

    return create(ctx)


def _implementation(ctx: AppContext) -> QWidget:
    from kcdesk.ui.sections.implementation import create

    return create(ctx)


def _exchange(ctx: AppContext) -> QWidget:
    from kcdesk.ui.sections.exchange import create

    return create(ctx)


def _audit(ctx: AppContext) -> QWidget:
    from kcdesk.ui.sections.audit import create

    return create(ctx)


def _settings(ctx: AppContext) -> QWidget:
    from kcdesk.ui.sections.settings import create

    return create(ctx)


_FACTORIES = {
    "proposals": _proposals,
    "dashboard": _dashboard,
    "appraisal": _appraisal,
    "catalogue": _catalogue,
    "implementation": _implementation,
    "exchange": _exchange,
    "audit": _audit,
    "settings": _settings,
}


def create_section(info: SectionInfo, ctx: AppContext) -> QWidget:
    """Build the section's widget (its module is imported on first use)."""
    return _FACTORIES[info.key](ctx)
