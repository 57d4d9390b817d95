"""Which language a reader gets.

Pages: the user's explicit choice (session), else their profile, else the browser's preference among zh_CN and en,
else zh_CN. The JSON API (CONTRACT §4): `Accept-Language` only, zh_CN when it names neither language, so the same
call answers alike whoever's cookie comes with it. The CLI follows the environment (`LC_ALL`, `LC_MESSAGES`,
`LANG`): a Chinese locale (zh*) gives Chinese, anything else English, like the rest of the CLI's output (a server's
`C.UTF-8` included). Error codes never change with the language.
"""
from __future__ import annotations

import os

from flask import current_app, has_request_context, request, session
from flask_login import current_user


def _from_header(default: str) -> str:
    best = request.accept_languages.best_match(["zh_CN", "zh", "en"])
    return {"zh": "zh_CN"}.get(best, best) or default


def select_locale() -> str:
    langs = current_app.config["LANGUAGES"]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    if request.path.startswith("/api/"):
        return _from_header(default)
    if session.get("lang") in langs:
        return session["lang"]
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in langs:
        return current_user.locale
    return _from_header(default)


def cli_locale() -> str:
    """The command line's language: zh_CN when the environment's locale is Chinese, else English."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    return "en"
