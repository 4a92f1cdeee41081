# hiptimer: `make run` and `make test` are all a fresh clone needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check bench fmt clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Whether ALSA's headers are there to build simpleaudio (a make argument, so a test can fake it).
HAVE_ALSA ?= test -f /usr/include/alsa/asoundlib.h || { command -v pkg-config >/dev/null && pkg-config --exists alsa; }

# Install with the audio extra when simpleaudio builds; otherwise install without it and say in one
# line how to get the real audio library. The stamp remembers the outcome ("audio=yes", or
# "audio=no alsa=yes|no": whether ALSA's headers were there when it failed) for the retry below.
$(STAMP): pyproject.toml | $(BIN)/python
	@if $(BIN)/python -m pip install --quiet -e '.[audio,dev]' 2>/dev/null; then \
		echo "hiptimer: installed with audio (simpleaudio)"; \
		echo "audio=yes" > $(STAMP); \
	else \
		$(BIN)/python -m pip install --quiet -e '.[dev]' && \
		if $(HAVE_ALSA); then alsa=yes; else alsa=no; fi && \
		echo "audio=no alsa=$$alsa" > $(STAMP) && \
		echo "hiptimer: installed without simpleaudio; for it install ALSA headers (Debian/Ubuntu: apt-get install libasound2-dev) and run make again. Cues use a player command or the terminal bell meanwhile."; \
	fi

# The stamp must not hide an audio extra that could build now: when the last install went without
# simpleaudio for want of ALSA's headers (or the stamp predates this record) and the headers are
# there now, install the audio extra once. Cheap when there is nothing to do: a grep and a test -f.
.PHONY: audio
audio: $(STAMP)
	@if grep -q -e 'audio=yes' -e 'alsa=yes' $(STAMP) || ! ( $(HAVE_ALSA) ); then \
		:; \
	elif $(BIN)/python -c 'import simpleaudio' 2>/dev/null; then \
		echo "audio=yes" > $(STAMP); \
	elif $(BIN)/python -m pip install --quiet -e '.[audio,dev]' 2>/dev/null; then \
		echo "audio=yes" > $(STAMP); \
		echo "hiptimer: ALSA headers found: installed simpleaudio, cues now play through it"; \
	else \
		echo "audio=no alsa=yes" > $(STAMP); \
		echo "hiptimer: ALSA headers found, but simpleaudio did not build (see why: $(BIN)/python -m pip install -e '.[audio]')"; \
	fi

run: audio
	$(BIN)/hiptimer $(ARGS)

test: audio
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: audio
	$(BIN)/python -m pip install --quiet termdown
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) build dist *.egg-info
