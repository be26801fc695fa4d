"""One function per child list that makes its rows for the driver (dựng hàng con).

A pack of 5,000 proposals has ~85,000 child rows (budget lines, schedule, outputs,
documents, status history), each value through its codec and its column's bind
processor. A generic loop over the fields spends as long on its own bookkeeping as on
the values; so, as ``dataclasses`` and ``collections.namedtuple`` do, the loop is
written out once per child list with its fields named in it, and compiled
(docs/benchmarks.md, issue 24: ~35% less time making the rows).

The made function answers exactly what ``bulk._child_values`` then the bind
processors answer (the tests write one pack both ways and compare every row): each
field is ``bind(item[name])`` when the item has it, else the field's bound default; a
row missing a value its column needs is made by ``slow`` (its default filled in first).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

MakeRows = Callable[[Sequence[dict[str, Any]], int], list[tuple[Any, ...]]]


def compile_rows(
    fields: Sequence[tuple[str, Callable[[Any], Any], Any]],
    positioned: bool,
    required: Sequence[int],
    slow: Callable[[dict[str, Any], int, int], tuple[Any, ...]],
) -> MakeRows:
    """``make(items, pid)``: a row ``(pid, value of each field…, [position])`` per item.

    ``fields``: (name, codec then bind processor, bound default) in column order;
    ``required``: the positions in the row (pid at 0) that may not be None, made by
    ``slow(item, position, pid)`` instead.
    """
    names: dict[str, Any] = {"slow": slow}
    body = [
        "def make(items, pid):",
        "    out = []",
        "    append = out.append",
        "    for n, item in enumerate(items):",
    ]
    values = ["pid"]
    for i, (name, bind, default) in enumerate(fields):
        names[f"bind{i}"], names[f"default{i}"] = bind, default
        # ``name`` is a column name of the schema (an identifier), written as a literal.
        body.append(f"        v{i} = bind{i}(item[{name!r}]) if {name!r} in item else default{i}")
        values.append(f"v{i}")
    if positioned:
        values.append("n")
    body.append(f"        row = ({', '.join(values)},)")
    checks = [f"row[{i}] is None" for i in required if i > 0]
    if checks:
        body.append(f"        if {' or '.join(checks)}:")
        body.append("            row = slow(item, n, pid)")
    body += ["        append(row)", "    return out"]
    exec("\n".join(body), names)  # our own text, made from the schema's names
    made: MakeRows = names["make"]
    return made
