"""Flask shell around the `warehouse` domain: parse HTTP → call one warehouse function → render or serialize.

`create_app()` is the one wiring point: config → extensions → blueprints → CLI → error handlers.
"""
from __future__ import annotations

from pathlib import Path

from service_app.app_class import ServiceFlask
from warehouse.db import configure_engine, engine_options


def create_app(config: dict | None = None) -> ServiceFlask:
    app = ServiceFlask(__name__, instance_relative_config=False,
                      instance_path=str(Path(__file__).resolve().parent.parent / "instance"))
    from service_app.config import from_env

    app.config.update(from_env(app.instance_path))
    app.config.update(config or {})
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))

    import warehouse.models  # noqa: F401  (complete metadata before migrations look at it)
    from service_app.extensions import babel, csrf, db, login, migrate
    from service_app.ratelimit import init_ratelimit
    from service_app.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"),
                     render_as_batch=True)
    csrf.init_app(app)
    login.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    init_ratelimit(app)
    with app.app_context():
        configure_engine(db.engine)

    from service_app.edge import init_edge
    from service_app.uploads import init_uploads

    init_uploads(app)  # before the edge's checks read the body: upload endpoints take 10 MB
    init_edge(app)  # before any blueprint: URL rules compile their converters as they are added

    from service_app.security import init_security

    init_security(app)

    from service_app.auth import init_auth
    from service_app.api import init_api
    from service_app.web import init_web
    from service_app.cli import register_cli
    from service_app.errors import register_error_handlers
    from service_app.transactions import init_transactions

    from service_app.inline_workers import init_job_thread, init_print_thread

    init_transactions(app)
    init_print_thread(app)
    init_job_thread(app)
    init_auth(app)
    init_api(app)
    init_web(app)
    register_cli(app)
    register_error_handlers(app)
    return app
