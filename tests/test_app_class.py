"""`service_app.app_class.ServiceFlask`: Flask's `ensure_sync`, asked once per function instead of every request."""
from __future__ import annotations

import inspect

from service_app.app_class import ServiceFlask


def test_a_function_is_asked_about_once_and_answered_as_flask_does(monkeypatch):
    app = ServiceFlask(__name__)
    asked = []
    real = inspect.iscoroutinefunction
    monkeypatch.setattr("flask.app.iscoroutinefunction", lambda f: asked.append(f) or real(f))

    def hook():
        return "ok"

    assert app.ensure_sync(hook) is hook
    assert app.ensure_sync(hook) is hook
    assert asked == [hook]


def test_an_unhashable_callable_is_asked_every_time(monkeypatch):
    class Unhashable:
        __hash__ = None

        def __call__(self):
            return "ok"

    app = ServiceFlask(__name__)
    asked = []
    real = inspect.iscoroutinefunction
    monkeypatch.setattr("flask.app.iscoroutinefunction", lambda f: asked.append(f) or real(f))
    fn = Unhashable()
    assert app.ensure_sync(fn) is fn and app.ensure_sync(fn) is fn
    assert len(asked) == 2
