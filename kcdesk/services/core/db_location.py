"""Where a SQLite database may live (vị trí cơ sở dữ liệu): not on a share, not synced.

SQLite in WAL mode keeps its shared index in memory mapped from the ``-shm`` file,
which works only between processes of one machine: on a network share
(``\\\\server\\share``, a mapped drive, NFS/SMB) two PCs corrupt the database or
lock each other out. A sync client (OneDrive, Dropbox, Google Drive) uploads the
database, its ``-wal`` and ``-shm`` files one by one while they change, and may put
back an older copy. A network share is refused (a Centre that wants one shared
database runs the server mode, docs/packaging.md); a synced folder is allowed with
a warning, since the user may not be able to move the Documents folder.
"""

from __future__ import annotations

from pathlib import Path

from kcdesk.services.core import volumes
from kcdesk.services.core.errors import UserError


class NetworkDatabase(UserError):
    """The database file is on a network share: refused."""


def check_database_location(path: Path) -> str | None:
    """Raise NetworkDatabase for a share; return a warning for a synced folder."""
    if volumes.is_network(path):
        raise NetworkDatabase(
            f"Cơ sở dữ liệu {path} nằm trên ổ mạng dùng chung: SQLite không làm việc an "
            "toàn ở đó (dữ liệu có thể hỏng khi hai máy cùng ghi). Hãy để cơ sở dữ liệu "
            "trên ổ đĩa của máy này; nhiều máy dùng chung thì dùng chế độ máy chủ."
        )
    cloud = volumes.cloud_folder(path)
    if cloud is not None:
        return (
            f"Cơ sở dữ liệu {path} nằm trong thư mục đồng bộ đám mây ({cloud}). Việc đồng "
            "bộ có thể chép tệp giữa chừng và làm hỏng dữ liệu: nên chuyển cơ sở dữ liệu "
            "ra thư mục khác (mặc định: thư mục dữ liệu kcdesk trong AppData)."
        )
    return None
