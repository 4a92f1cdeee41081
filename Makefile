# hiptimer: `make run` and `make test` are all a fresh clone needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check bench fmt clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Install with the audio extra when ALSA's headers are there to build simpleaudio;
# otherwise install without it and say in one line how to get the real audio library.
$(STAMP): pyproject.toml | $(BIN)/python
	@if $(BIN)/python -m pip install --quiet -e '.[audio,dev]' 2>/dev/null; then \
		echo "hiptimer: installed with audio (simpleaudio)"; \
	else \
		$(BIN)/python -m pip install --quiet -e '.[dev]' && \
		echo "hiptimer: installed without simpleaudio; for it install ALSA headers (Debian/Ubuntu: apt-get install libasound2-dev) and run make again. Cues use a player command or the terminal bell meanwhile."; \
	fi
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/hiptimer $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet termdown
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) build dist *.egg-info
