# kcdesk — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint bench dist clean screenshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,dev]'
	touch $(STAMP)

## run: open the GUI on the demo database in the per-user data folder (made on first start)
run: $(STAMP)
	bash tools/sysdeps.sh gui
	$(BIN)/kcdesk --demo

## test: the whole test suite, offscreen
test: $(STAMP)
	bash tools/sysdeps.sh test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

## lint: ruff (lint + format check) and mypy on kcdesk/
lint: $(STAMP)
	$(BIN)/ruff check kcdesk tests
	$(BIN)/ruff format --check kcdesk tests
	$(BIN)/mypy kcdesk

## bench: benchmark suite at 1,000 / 10,000 / 100,000 proposals -> bench/out/latest.json and a table
##        (the first run builds the cached demo databases under bench/cache/: allow 15-45 min)
bench: $(STAMP)
	bash tools/sysdeps.sh test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench.run

## dist: PyInstaller one-folder bundle in dist/kcdesk, then its self-test with no system fonts
dist: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dist,postgres]'
	bash tools/sysdeps.sh test
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN installer.spec
	bash tools/frozen_selftest.sh dist/kcdesk/kcdesk

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache

## screenshots: the user guide's pictures, taken by the app on a demo database at 1366×768
screenshots: $(STAMP)
	bash tools/sysdeps.sh test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m kcdesk.ui.help.screenshots
