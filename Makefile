# verkoopcoach: every target installs and trains first when needed, and is
# quick when nothing changed (make compares file times).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
MODEL := models/coach.tar.gz
INSTALLED := $(VENV)/.installed
TRAINING_DATA := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null)
export PYTHONDONTWRITEBYTECODE := 1
# Rasa and TensorFlow are chatty; keep the seller's terminal clean.
export TF_CPP_MIN_LOG_LEVEL := 3
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false

.PHONY: help install train validate probeer shell run trainer test lint format evaluate bench bench-telegram clean

help:
	@echo "make run       de coach starten (Telegram met token, anders chat in de terminal)"
	@echo "make shell     chatten met de coach in de terminal"
	@echo "make test      alle tests (trainen en installeren gaan vanzelf)"
	@echo "make validate  trainingsdata en adviesbestanden controleren (voor trainers)"
	@echo "make train     het model trainen als de data veranderd is"
	@echo "make probeer ZIN=\"...\"  één zin proberen zonder servers: situatie, zekerheid, advies"
	@echo "make evaluate  NLU-rapport voor trainers onder reports/"
	@echo "make trainer   de webapp voor trainers op http://127.0.0.1:5080 (TRAINER_WACHTWOORD nodig)"
	@echo "make bench     benchmark tegen baselines, schrijft docs/benchmarks.md"

# The lock file pins every package; --no-deps keeps pip from resolving anew and
# --ignore-requires-python lets Rasa 3.6 install on Python 3.11 (see README).
$(INSTALLED): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -qq --disable-pip-version-check --prefer-binary \
		--no-deps --ignore-requires-python -r requirements.lock
	@touch $@

install: $(INSTALLED)

$(MODEL): $(INSTALLED) $(TRAINING_DATA)
	$(RASA) train --fixed-model-name coach --out models --quiet
	@touch $@

train: $(MODEL)

# First our own checks (Dutch: file, line, key, how to fix), then Rasa's own
# `rasa data validate --fail-on-warnings`, through tools.stil: the same command
# without TensorFlow/jax/sklearn noise (PYTHONWARNINGS alone is overridden by Sanic).
validate: $(INSTALLED)
	@$(PY) -m tools.validate
	@echo "rasa data validate --fail-on-warnings ..."
	@$(PY) -m tools.stil data validate --fail-on-warnings --quiet

# ZIN goes through the environment, so quotes in the sentence are no problem.
probeer: export ZIN := $(ZIN)
probeer: $(MODEL)
	@$(PY) -m tools.probeer

shell: $(MODEL)
	$(PY) -m stack shell

run: $(MODEL)
	$(PY) -m stack run

# The trainers' web app: inbox, dashboard, training (docs/trainer.md).
trainer: $(INSTALLED)
	$(PY) -m trainer

lint: $(INSTALLED)
	$(VENV)/bin/ruff check actions bot rasa_ext stack tools bench tests trainer
	$(VENV)/bin/ruff format --check actions bot rasa_ext stack tools bench tests trainer

format: $(INSTALLED)
	$(VENV)/bin/ruff format actions bot rasa_ext stack tools bench tests trainer
	$(VENV)/bin/ruff check --fix actions bot rasa_ext stack tools bench tests trainer

test: $(MODEL) lint validate
	$(RASA) test core --stories tests/test_stories.yml --model $(MODEL) \
		--fail-on-prediction-errors --out results/stories --quiet
	$(PY) -m pytest

evaluate: $(MODEL)
	$(PY) -m tools.evaluate $(if $(CV),--cv)

# The bench serves the conversations from Redis (docs/serving.md); it starts and
# stops its own redis-server, installed here when missing (Debian/Ubuntu).
APT := $(if $(filter 0,$(shell id -u)),,sudo) apt-get
bench: $(MODEL)
	@command -v redis-server >/dev/null || $(APT) install -y -qq redis-server \
		|| { $(APT) update -qq && $(APT) install -y -qq redis-server; }
	$(PY) -m bench

# Message-to-reply latency through the Telegram layer (fake transport, real Rasa).
bench-telegram: $(MODEL)
	$(PY) -m bench telegram

clean:
	rm -rf results reports .pytest_cache .ruff_cache
