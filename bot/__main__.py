"""`python -m bot`: the Telegram bot (long polling, or webhook when WEBHOOK_URL is set)."""

from __future__ import annotations

import sys

from bot.app import run_telegram
from bot.logs import setup_logging
from bot.settings import ConfigError, load_settings


def main() -> int:
    try:
        settings = load_settings()
        if bezwaar := settings.telegram_bezwaar():
            raise ConfigError(bezwaar)
    except ConfigError as exc:
        print(f"Fout in de instellingen: {exc}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.geheimen())
    return run_telegram(settings)


if __name__ == "__main__":
    sys.exit(main())
