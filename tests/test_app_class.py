"""`service_app.app_class.ServiceFlask`: Flask's `ensure_sync`, asked once per function instead of every request."""
from __future__ import annotations

import inspect

import pytest
from flask.views import MethodView

from service_app.app_class import ServiceFlask


@pytest.fixture
def asked(monkeypatch):
    seen = []
    real = inspect.iscoroutinefunction
    monkeypatch.setattr("flask.app.iscoroutinefunction", lambda f: seen.append(f) or real(f))
    return seen


def test_a_function_is_asked_about_once_and_answered_as_flask_does(asked):
    app = ServiceFlask(__name__)

    def hook():
        return "ok"

    assert app.ensure_sync(hook) is hook
    assert app.ensure_sync(hook) is hook
    assert asked == [hook]


def test_a_class_based_views_handlers_made_per_request_are_not_kept(asked):
    app = ServiceFlask(__name__)

    class Thing(MethodView):
        def get(self):
            return "ok"

    app.add_url_rule("/thing", view_func=Thing.as_view("thing"))
    client = app.test_client()
    assert [client.get("/thing").text for _ in range(3)] == ["ok"] * 3
    # The view function and the two functions behind the bound methods made for each request: asked once each.
    assert sorted(f.__name__ for f in app._sync) == ["dispatch_request", "get", "thing"]
    assert sorted(f.__name__ for f in asked) == ["dispatch_request", "get", "thing"]
    assert not any(inspect.ismethod(f) for f in app._sync)


def test_a_coroutine_method_is_still_made_sync(monkeypatch):
    app = ServiceFlask(__name__)
    monkeypatch.setattr(app, "async_to_sync", lambda f: ("made sync", f))

    class Hooks:
        async def later(self):
            return "ok"

        def now(self):
            return "ok"

    hooks = Hooks()
    assert app.ensure_sync(hooks.later) == ("made sync", hooks.later)
    assert app.ensure_sync(hooks.later) == ("made sync", hooks.later)  # the second time too
    assert app.ensure_sync(hooks.now) == hooks.now
