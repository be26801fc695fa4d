"""Vietnamese texts for Qt's stock buttons and menus (Qt ships no vi translation).

A QTranslator answers Qt's own strings (message box and dialog buttons, wizard
buttons, line-edit context menu), so every stock button reads in Vietnamese.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QMessageBox, QWidget

_TEXTS: dict[str, str] = {
    "OK": "Đồng ý",
    "&OK": "Đồng ý",
    "Cancel": "Hủy",
    "&Cancel": "Hủy",
    "Yes": "Có",
    "&Yes": "&Có",
    "No": "Không",
    "&No": "&Không",
    "Yes to &All": "Có với tất cả",
    "N&o to All": "Không với tất cả",
    "Save": "Lưu",
    "&Save": "&Lưu",
    "Save All": "Lưu tất cả",
    "Open": "Mở",
    "&Open": "&Mở",
    "Close": "Đóng",
    "&Close": "Đóng",
    "Apply": "Áp dụng",
    "Reset": "Đặt lại",
    "Help": "Trợ giúp",
    "Discard": "Bỏ qua",
    "Don't Save": "Không lưu",
    "Close without Saving": "Đóng không lưu",
    "Abort": "Dừng",
    "Retry": "Thử lại",
    "Ignore": "Bỏ qua",
    "Restore Defaults": "Khôi phục mặc định",
    "< &Back": "< &Quay lại",
    "&Back": "&Quay lại",
    "&Next >": "&Tiếp >",
    "&Next": "&Tiếp",
    "&Finish": "&Hoàn tất",
    "Finish": "Hoàn tất",
    "&Help": "&Trợ giúp",
    "Show Details...": "Xem chi tiết…",
    "Hide Details...": "Ẩn chi tiết",
    "&Undo": "&Hoàn tác",
    "&Redo": "&Làm lại",
    "Cu&t": "&Cắt",
    "&Copy": "&Sao chép",
    "&Paste": "&Dán",
    "Delete": "Xóa",
    "Select All": "Chọn tất cả",
    "Copy &Link Location": "Sao chép liên kết",
    "Look in:": "Tìm trong:",
    "File &name:": "&Tên tệp:",
    "Files of type:": "Kiểu tệp:",
    "&Choose": "&Chọn",
    "All Files (*)": "Tất cả tệp (*)",
    # Line-edit and text-edit context menu (Qt 6 appends the shortcut after a tab).
    "&Delete": "&Xóa",
    # File dialog: column headers (QFileSystemModel), buttons and places.
    "Name": "Tên",
    "Size": "Kích thước",
    "Type": "Loại",
    "Kind": "Loại",
    "Date Modified": "Ngày sửa",
    "My Computer": "Máy tính",
    "Computer": "Máy tính",
    "Back": "Quay lại",
    "Forward": "Tiến",
    "Parent Directory": "Thư mục cha",
    "Create New Folder": "Tạo thư mục mới",
    "&New Folder": "Thư mục &mới",
    "New Folder": "Thư mục mới",
    "List View": "Dạng danh sách",
    "Detail View": "Dạng chi tiết",
    "&Rename": "Đổi &tên",
    "Show &hidden files": "Hiện tệp &ẩn",
    "Directory:": "Thư mục:",
    "Save As": "Lưu thành",
    "Find Directory": "Chọn thư mục",
    "%1 already exists.\nDo you want to replace it?": "%1 đã có.\nCó ghi đè không?",
    "%1 File": "Tệp %1",
    "File Folder": "Thư mục",
    "Folder": "Thư mục",
    "Drive": "Ổ đĩa",
    "File": "Tệp",
    "Unknown": "Không rõ",
    "%1 bytes": "%1 byte",
    "%1 KB": "%1 KB",
    "%1 MB": "%1 MB",
    "%1 GB": "%1 GB",
    # Print preview and page set-up dialogs that Qt builds.
    "Print": "In",
    "&Print": "&In",
    "Print Preview": "Xem trước khi in",
}


class VietnameseTranslator(QTranslator):
    """Translate Qt's stock strings in any context."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        # None is "no translation": Qt then keeps its own text. An empty string would
        # be taken as the translation — "Ctrl+Q" shown as "Q", empty file-dialog
        # headers — so only the texts we know are answered.
        return _TEXTS.get(source)

    def isEmpty(self) -> bool:
        return False


def install_translator(app: QCoreApplication) -> VietnameseTranslator:
    translator = VietnameseTranslator(app)
    app.installTranslator(translator)
    return translator


def ask(parent: QWidget | None, title: str, text: str) -> bool:
    """A yes/no question with Vietnamese buttons; True for 'Có'."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes = box.addButton("Có", QMessageBox.ButtonRole.YesRole)
    box.addButton("Không", QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(yes)
    box.exec()
    return box.clickedButton() is yes


def inform(parent: QWidget | None, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent)
    box.addButton("Đồng ý", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def warn(parent: QWidget | None, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    box.addButton("Đồng ý", QMessageBox.ButtonRole.AcceptRole)
    box.exec()
