"""A large database for the server benchmarks, fast: the cached demo database
(bench/common.py) copied into the engine, then its proposals cloned in SQL.

Building 100,000 demo proposals through the services takes 10 minutes on a quiet
machine and an hour on the shared one; ``grow`` instead repeats the cached
N-proposal database's proposals inside the database (one INSERT … SELECT per
round, codes suffixed ``-K1``, ``-K2``…, fresh uuids) with their beneficiary links,
so the search text, the register's rows and the indexes are those of real demo
proposals. Clones carry no budget, schedule or documents: the benchmarks edit and
print originals only (the lowest ids).
"""

from __future__ import annotations

from sqlalchemy import Engine, inspect

_UUID = {
    "postgresql": "gen_random_uuid()::text",
    "sqlite": "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-' || "
    "hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(6)))",
}


def grow(engine: Engine, target: int) -> int:
    """Clone the proposals present until ``target`` exist; returns the final count."""
    columns = [
        c["name"]
        for c in inspect(engine).get_columns("proposal")
        if c["name"] not in ("id", "code", "uuid")
    ]
    listed = ", ".join(columns)
    uuid = _UUID[engine.dialect.name]
    with engine.begin() as conn:
        base = int(conn.exec_driver_sql("SELECT max(id) FROM proposal").scalar() or 0)
        have = int(conn.exec_driver_sql("SELECT count(*) FROM proposal").scalar() or 0)
        round_ = 0
        while have < target:
            round_ += 1
            limit = min(base, target - have)
            conn.exec_driver_sql(
                f"INSERT INTO proposal (code, uuid, {listed}) "
                f"SELECT code || '-K{round_}', {uuid}, {listed} FROM proposal "
                f"WHERE id <= {base} ORDER BY id LIMIT {limit}"
            )
            conn.exec_driver_sql(
                "INSERT INTO proposal_facility (proposal_id, facility_id, position) "
                "SELECT c.id, pf.facility_id, pf.position FROM proposal c "
                "JOIN proposal o ON c.code = o.code || '-K" + str(round_) + "' "
                "JOIN proposal_facility pf ON pf.proposal_id = o.id "
                f"WHERE o.id <= {base}"
            )
            have += limit
    return have


def analyse(engine: Engine) -> None:
    """Fresh planner statistics after a bulk load (VACUUM ANALYZE / ANALYZE)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
