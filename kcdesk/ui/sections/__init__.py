"""The main window's sections. A module ``kcdesk/ui/sections/<key>.py`` that defines
``create(ctx: AppContext) -> QWidget`` fills the section; until a feature provides
it, the section shows a placeholder saying what it will hold.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kcdesk.ui.app_context import AppContext


@dataclass(frozen=True)
class SectionInfo:
    key: str
    title: str
    placeholder: str


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


class Placeholder(QWidget):
    """Shown until the feature behind a section exists."""

    def __init__(self, info: SectionInfo) -> None:
        super().__init__()
        self.setObjectName(f"placeholder_{info.key}")
        layout = QVBoxLayout(self)
        title = QLabel(f"<h2>{info.title}</h2>")
        body = QLabel(info.placeholder + "\n\n(Phần này đang được xây dựng.)")
        body.setWordWrap(True)
        body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(title)
        layout.addWidget(body, 1)


def create_section(info: SectionInfo, ctx: AppContext) -> QWidget:
    name = f"kcdesk.ui.sections.{info.key}"
    if importlib.util.find_spec(name) is None:
        return Placeholder(info)
    widget: QWidget = importlib.import_module(name).create(ctx)
    return widget
