"""Unbound extensions; create_app() binds them. Nothing here opens a connection at import time."""
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
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
# In-process counters (default memory storage): limits are per gunicorn worker, which is enough to stop a runaway
# camera loop; set RATELIMIT_STORAGE_URI (e.g. redis://) to share them across hosts.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
