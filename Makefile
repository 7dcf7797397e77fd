# The two commands a newcomer needs: `make run` and `make test`. Everything else is installed by them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PORT   ?= 8080
ARGS   ?=

.PHONY: run run-simulated test bench validate roundtrip vendor translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

## run: create the environment, deploy bpmn/ dmn/ forms/ and serve the API on SQLite (var/)
run: $(STAMP)
	$(BIN)/tva-flow serve --port $(PORT) --database-url sqlite:///var/tva_flow.sqlite3 $(ARGS)

## run-simulated: the same with a clock that moves only through POST /api/v1/clock/advance
run-simulated: $(STAMP)
	$(BIN)/tva-flow serve --port $(PORT) --database-url sqlite:///var/tva_flow_simulated.sqlite3 \
		--simulated-clock $(ARGS)

## test: create the environment if needed, install the dev extras, run the whole suite
test: $(STAMP)
	$(BIN)/python -m pytest $(ARGS)

## bench: journeys per second with SQLite persistence next to plain in-memory SpiffWorkflow
bench: $(STAMP)
	$(BIN)/python bench/bench_startup_grant.py $(ARGS)

validate: $(STAMP)
	$(BIN)/tva-flow validate bpmn dmn forms

## roundtrip: open and save every diagram in bpmn-js (chromium, ../shared/tools) and re-parse it with tva-flow
roundtrip: $(STAMP)
	tools/roundtrip.sh

## vendor: refresh the pinned bpmn-js, dmn-js and axe-core files in src/tva_flow/web/static/vendor (needs npm)
vendor:
	tools/vendor/vendor.sh

## translations: after changing a text of the browser desk, refresh the catalogs, translate, run it again
WEB := src/tva_flow/web
translations: $(STAMP)
	$(BIN)/pybabel extract -F $(WEB)/babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project tva-flow --copyright-holder tva-flow -o $(WEB)/translations/messages.pot $(WEB)
	$(BIN)/pybabel update -i $(WEB)/translations/messages.pot -d $(WEB)/translations -w 110 --no-fuzzy-matching
	$(BIN)/pybabel compile -d $(WEB)/translations

clean:
	rm -rf $(VENV) var .pytest_cache
