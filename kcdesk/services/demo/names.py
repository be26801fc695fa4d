"""Vietnamese names for synthetic demo data (Cao Bằng communes from the official list, trades)."""

from __future__ import annotations

COMMUNES = (
    "Phường Thục Phán",
    "Phường Nùng Trí Cao",
    "Phường Tân Giang",
    "Xã Hòa An",
    "Xã Nguyên Bình",
    "Xã Trùng Khánh",
    "Xã Quảng Uyên",
    "Xã Hạ Lang",
    "Xã Bảo Lạc",
    "Xã Thông Nông",
    "Xã Hà Quảng",
    "Xã Trà Lĩnh",
    "Xã Phục Hòa",
    "Xã Thạch An",
    "Xã Đông Khê",
    "Xã Bảo Lâm",
    "Xã Tĩnh Túc",
    "Xã Quang Trung",
    "Xã Đàm Thuỷ",
    "Xã Minh Khai",
)

# (trade, product noun used in titles, machine, sector)
TRADES = (
    ("Miến dong", "miến dong", "Dây chuyền tráng, sấy miến dong", "Chế biến nông sản"),
    ("Chế biến chè", "chè xanh", "Máy sao, vò chè", "Chế biến nông sản"),
    ("Rèn dao", "dao rèn Phúc Sen", "Máy búa rèn hơi", "Cơ khí"),
    ("Mộc dân dụng", "đồ gỗ", "Máy chà nhám, máy bào cuốn", "Chế biến gỗ"),
    ("Dệt thổ cẩm", "thổ cẩm", "Khung dệt cải tiến", "Dệt may"),
    ("Hương", "hương nén", "Máy se hương tự động", "Tiểu thủ công nghiệp"),
    ("Ngói máng", "ngói máng", "Máy nhào, ép ngói", "Vật liệu xây dựng"),
    ("Bánh khảo", "bánh khảo", "Máy trộn, ép khuôn bánh", "Chế biến thực phẩm"),
    ("Rượu men lá", "rượu men lá", "Hệ thống chưng cất rượu", "Chế biến thực phẩm"),
    ("Giấy bản", "giấy bản", "Máy nghiền bột giấy", "Tiểu thủ công nghiệp"),
    ("Cơ khí", "sản phẩm cơ khí", "Máy tiện CNC", "Cơ khí"),
    ("Gạch không nung", "gạch không nung", "Máy ép gạch block", "Vật liệu xây dựng"),
    ("Sấy hạt dẻ", "hạt dẻ Trùng Khánh", "Lò sấy hạt dẻ", "Chế biến nông sản"),
    ("Mì gạo", "mì gạo", "Dây chuyền làm mì gạo", "Chế biến thực phẩm"),
)

SURNAMES = ("Nông", "Hoàng", "Lục", "Triệu", "Đàm", "Bế", "Lương", "Nguyễn", "Lý", "Hà", "Ma")
GIVEN = (
    "Văn Hùng",
    "Thị Lan",
    "Văn Đức",
    "Thị Hoa",
    "Đức Thắng",
    "Thị Mai",
    "Văn Toản",
    "Thị Thu",
    "Minh Tuấn",
    "Thị Hằng",
    "Văn Đông",
    "Thị Nga",
)
COMPANY_WORDS = (
    "Phú Cường",
    "Tân Tiến",
    "Hưng Thịnh",
    "Đại Phát",
    "Bản Giốc",
    "Non Nước",
    "Phia Oắc",
    "Thành Công",
    "Kim Đồng",
    "Nà Giàng",
)

# The Centre of the demo's province (Cao Bằng, its programme names it).
UNITS = ("Trung tâm Khuyến công và Xúc tiến thương mại",)
PARTNERS = ("Phòng Kinh tế UBND xã", "Hội Liên hiệp Phụ nữ tỉnh", "Liên minh Hợp tác xã tỉnh", "")
