# Two commands for users: `make run` and `make test` (see README.md). Everything else is a helper target.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000

.PHONY: install run test test-fast bench translations clean

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

service_app/translations/%/LC_MESSAGES/messages.mo: service_app/translations/%/LC_MESSAGES/messages.po $(BIN)/.installed
	$(BIN)/pybabel compile -i $< -o $@

translations: service_app/translations/zh_CN/LC_MESSAGES/messages.mo service_app/translations/en/LC_MESSAGES/messages.mo

install: $(BIN)/.installed translations
	@sh scripts/sysdeps.sh run

# init-db, seed-demo, then gunicorn on 127.0.0.1:$(PORT) with the print worker inside (tests/test_serve.py runs it)
run: install
	VENV=$(VENV) PORT=$(PORT) sh scripts/serve.sh

test: install
	@sh scripts/sysdeps.sh test
	$(BIN)/python -m pytest

# Re-extract UI strings after editing templates or code (then translate the .po files and commit them).
extract:
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o service_app/translations/messages.pot .
	$(BIN)/pybabel update -i service_app/translations/messages.pot -d service_app/translations

bench: install
	$(BIN)/python benchmarks/scan_load.py

clean:
	rm -rf $(VENV) .pytest_cache
