"""``kcdesk sign`` and ``kcdesk verify``: ký số a PDF and check its signatures, headless.

The password of a .p12 comes from ``KCDESK_P12_PASSWORD`` or is typed; a token's PIN
from ``KCDESK_PIN`` or typed. Neither is echoed, stored or logged.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import datetime
from pathlib import Path

from kcdesk.cli.context import CliContext, CommandRegistry
from kcdesk.services.core.errors import UserError

P12_PASSWORD_ENV = "KCDESK_P12_PASSWORD"
PIN_ENV = "KCDESK_PIN"


def _secret(env: str, prompt: str) -> str:
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise UserError(
            f"Cần {prompt.lower()}: đặt biến môi trường {env} hoặc chạy lệnh trong cửa sổ dòng lệnh để nhập."
        )
    return getpass.getpass(f"{prompt}: ")


def _sign(args: argparse.Namespace, ctx: CliContext) -> int:
    from kcdesk.services.core import settings
    from kcdesk.services.signing import store
    from kcdesk.services.signing.appearance import Look
    from kcdesk.services.signing.credentials import P12Key, SignerKey, TokenKey
    from kcdesk.services.signing.sign import sign_pdf

    if bool(args.p12) == bool(args.pkcs11_lib):
        raise UserError("Chọn một nơi có khóa ký: --p12 TỆP hoặc --pkcs11-lib THƯ_VIỆN.")
    key: SignerKey
    if args.p12:
        key = P12Key(Path(args.p12), _secret(P12_PASSWORD_ENV, "Mật khẩu tệp chứng thư số"))
    else:
        key = TokenKey(
            Path(args.pkcs11_lib),
            _secret(PIN_ENV, "Mã PIN của token"),
            token_label=args.token_label,
            key_label=args.key_label,
        )
    with ctx.db.session() as session:
        values = settings.get_all(session)
        images = store.images(session)
        roots = store.trusted_roots(session)
        look = Look(args.look or store.default_look(session))
    result = sign_pdf(
        Path(args.file),
        Path(args.out),
        key,
        look=look,
        images=images,
        organisation=str(values["org.centre_name"]),
        location=str(values["org.place_name"]),
        extra_certs=roots,
    )
    when = datetime.fromisoformat(result.time_text).strftime("%d/%m/%Y %H:%M:%S")
    ctx.say(
        f"Đã ký số {Path(args.file).name} ({result.look.label}), người ký "
        f"{result.signer or 'không rõ'}, lúc {when} (giờ Việt Nam): {result.target}."
    )
    return 0


def _verify(args: argparse.Namespace, ctx: CliContext) -> int:
    from kcdesk.services.signing import store
    from kcdesk.services.signing.verify import verify_pdf

    roots = [Path(r).read_bytes() for r in args.root or [] if Path(r).is_file()]
    missing = [r for r in args.root or [] if not Path(r).is_file()]
    if missing:
        raise UserError(f"Không tìm thấy tệp chứng thư gốc {missing[0]}.")
    if not args.no_db:
        with ctx.db.session() as session:
            roots += store.trusted_roots(session)
    reports = verify_pdf(Path(args.file), roots)
    if args.json:
        ctx.print_json({"file": str(args.file), "signatures": [r.as_json() for r in reports]})
    elif not reports:
        ctx.say(f"Tệp {Path(args.file).name} không có chữ ký số.")
    else:
        for n, report in enumerate(reports, 1):
            ctx.say(f"Chữ ký {n}:")
            for line in report.lines():
                ctx.say(f"  {line}")
    return 0 if reports and all(r.ok for r in reports) else 1


def register(registry: CommandRegistry) -> None:
    sign = registry.command(
        "sign", "ký số một tệp PDF (PAdES) bằng tệp .p12 hoặc token PKCS#11", _sign
    )
    sign.add_argument("file", metavar="TỆP.pdf", help="tệp PDF cần ký")
    sign.add_argument("--out", required=True, metavar="TỆP", help="tệp PDF đã ký sẽ ghi")
    sign.add_argument(
        "--p12",
        metavar="TỆP",
        help=f"tệp chứng thư số .p12/.pfx (mật khẩu trong {P12_PASSWORD_ENV} hoặc nhập)",
    )
    sign.add_argument(
        "--pkcs11-lib",
        metavar="THƯ_VIỆN",
        help=f"thư viện PKCS#11 của token (PIN trong {PIN_ENV} hoặc nhập)",
    )
    sign.add_argument("--token-label", metavar="NHÃN", help="nhãn token (khi cắm nhiều token)")
    sign.add_argument("--key-label", metavar="NHÃN", help="nhãn khóa/chứng thư trên token")
    sign.add_argument(
        "--look",
        choices=("signer", "organisation", "invisible"),
        help="signer: hình chữ ký người có thẩm quyền; organisation: hình con dấu, tên cơ quan "
        "và thời gian ký; invisible: không hiển thị (mặc định: theo Cài đặt → Ký số)",
    )
    verify = registry.command(
        "verify",
        "kiểm tra chữ ký số của một tệp PDF (thoát 0 khi mọi chữ ký hợp lệ và tin cậy)",
        _verify,
    )
    verify.add_argument("file", metavar="TỆP.pdf", help="tệp PDF đã ký")
    verify.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    verify.add_argument(
        "--root", action="append", metavar="TỆP", help="thêm chứng thư gốc tin cậy (PEM/DER)"
    )
    verify.add_argument(
        "--no-db",
        action="store_true",
        help="không dùng gốc tin cậy trong Cài đặt của cơ sở dữ liệu",
    )
