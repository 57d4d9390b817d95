"""Unbound extensions; create_app() binds them. Nothing here opens a connection at import time."""
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from warehouse.db import Base

db = SQLAlchemy(metadata=Base.metadata)
migrate = Migrate()
login = LoginManager()
csrf = CSRFProtect()
babel = Babel()
