"""HTML pages for clerks, technicians and back-office staff, one module per area (home, scan, catalog, locations,
stock, stocktake, printing) on the helpers of `common.py`. Views parse the form, call one warehouse function in the
write frame, then render or redirect; the scan page talks to the JSON API from the browser."""
from __future__ import annotations

from flask import Flask

# Importing the area modules attaches their views to the shared `web` blueprint.
from service_app.web import catalog, home, locations, scan, stock  # noqa: F401
from service_app.web.attachments import bp as attachments_bp
from service_app.web.claims import bp as claims_bp
from service_app.web.audit import bp as audit_bp
from service_app.web.care import bp as care_bp
from service_app.web.common import bp
from service_app.web.dealers import bp as dealers_bp
from service_app.web.jobs import bp as jobs_bp
from service_app.web.menu import init_menu
from service_app.names import init_names
from service_app.web.orders import bp as orders_bp
from service_app.web.printing import bp as printing_bp, printer_choices
from service_app.web.quality import bp as quality_bp
from service_app.web.returned import bp as returned_bp
from service_app.web.returns import bp as returns_bp
from service_app.web.reports import bp as reports_bp
from service_app.web.service import bp as service_bp
from service_app.web.service_care import bp as service_care_bp
from service_app.web.stocktake import bp as stocktake_bp
from service_app.web.supplier_returns import bp as supplier_returns_bp
from service_app.web.warranty import bp as warranty_bp


def init_web(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(stocktake_bp)
    app.register_blueprint(printing_bp)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(attachments_bp)
    app.register_blueprint(orders_bp)
    app.register_blueprint(dealers_bp)
    app.register_blueprint(returns_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(warranty_bp)
    app.register_blueprint(claims_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(service_bp)
    app.register_blueprint(service_care_bp)
    app.register_blueprint(care_bp)
    app.register_blueprint(supplier_returns_bp)
    app.register_blueprint(quality_bp)
    app.register_blueprint(returned_bp)
    init_menu(app)
    init_names(app)

    @app.context_processor
    def _inject():
        from flask_babel import get_locale
        from flask_login import current_user

        return {"current_locale": str(get_locale()), "me": current_user, "printer_choices": printer_choices}
