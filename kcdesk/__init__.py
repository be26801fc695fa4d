"""kcdesk — the desktop workstation of provincial Industrial Extension Centres."""


def __getattr__(name: str) -> str:
    """``__version__``, read from the package metadata when first asked: importing
    ``importlib.metadata`` is a part of the GUI's start the window's frame need not wait
    for (SQLAlchemy imports it later anyway)."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("kcdesk")
    except PackageNotFoundError:  # frozen bundle without metadata
        value = "0.1.0"
    globals()["__version__"] = value
    return value
