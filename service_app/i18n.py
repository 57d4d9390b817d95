"""Which language a page speaks: the user's explicit choice (session), else their profile, else the browser's
preference among zh_CN and en, else zh_CN."""
from __future__ import annotations

from flask import current_app, request, session
from flask_login import current_user


def select_locale() -> str:
    langs = current_app.config["LANGUAGES"]
    if session.get("lang") in langs:
        return session["lang"]
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in langs:
        return current_user.locale
    best = request.accept_languages.best_match(["zh_CN", "zh", "en"]) if request else None
    return {"zh": "zh_CN"}.get(best, best) or current_app.config["BABEL_DEFAULT_LOCALE"]
