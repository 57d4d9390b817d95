"""Declarative base, engine construction and transaction helpers shared by every domain package.

SQLite is the embedded default and PostgreSQL the production database; both must be race-safe, so the engine
set-up differs: SQLite gets WAL, a busy timeout and `BEGIN IMMEDIATE` write transactions (writers queue rather than
fail with "database is locked"); PostgreSQL relies on row locks taken by conditional UPDATEs.
"""
from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import MetaData, Numeric, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, NoResultFound
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import DateTime, TypeDecorator

try:  # the PostgreSQL driver; SQLite-only installs run without it
    import psycopg
    from psycopg.rows import namedtuple_row
except ImportError:  # pragma: no cover
    psycopg = namedtuple_row = None

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# How SQLite write transactions begin in this context: IMMEDIATE (take the write lock at once, the default) or
# DEFERRED (read-only work such as GET requests, which then never waits for writers under WAL).
sqlite_begin_mode: ContextVar[str] = ContextVar("sqlite_begin_mode", default="IMMEDIATE")

MONEY = Numeric(14, 2)
COST = Numeric(14, 4)  # unit costs keep 4 places so moving averages do not drift


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on both databases (SQLite stores naive text; we re-attach UTC on load)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), Decimal: MONEY}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def engine_options(url: str) -> dict:
    """Keyword arguments for `create_engine` (also handed to Flask-SQLAlchemy as SQLALCHEMY_ENGINE_OPTIONS)."""
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    # No pre-ping: it costs a round trip on every checkout, on every scan. Connections are recycled hourly and a
    # request that meets a dead one after a database restart gets a 503 to retry (service_app.errors).
    return {"pool_recycle": 3600, "pool_size": 10, "max_overflow": 20}


def configure_engine(engine: Engine) -> Engine:
    """Install the per-connection settings an engine needs; idempotent per engine."""
    if engine.dialect.name == "sqlite" and not getattr(engine, "_warehouse_configured", False):
        engine._warehouse_configured = True

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            # Let SQLAlchemy, not pysqlite, emit BEGIN, so that we can make it BEGIN IMMEDIATE.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # Take the write lock at BEGIN: a deferred transaction that reads then writes can deadlock against
            # another writer and fail with SQLITE_BUSY; IMMEDIATE makes writers queue on the busy timeout instead.
            conn.exec_driver_sql("BEGIN DEFERRED" if sqlite_begin_mode.get() == "DEFERRED" else "BEGIN IMMEDIATE")
    return engine


def make_engine(url: str, **overrides) -> Engine:
    opts = engine_options(url)
    opts.update(overrides)
    return configure_engine(create_engine(url, **opts))


def insert_for(bind):
    """The dialect's INSERT (for ON CONFLICT upserts) for a Session, Connection or Engine: PostgreSQL's or SQLite's;
    the two build the same statement from the same call."""
    dialect = (bind.get_bind() if hasattr(bind, "get_bind") else bind).dialect
    return postgresql.insert if dialect.name == "postgresql" else sqlite.insert


def without_transaction(session) -> None:
    """For a read of one statement (or a few that need no common snapshot) at the start of a request: on PostgreSQL
    run it in autocommit, which saves the BEGIN and ROLLBACK round trips — two of three on the warranty lookup. No
    effect once the session has begun a transaction, nor on SQLite (its reads rely on BEGIN DEFERRED). The pool
    puts the connection back to its usual isolation level when it is returned."""
    if hasattr(session, "registry"):  # a scoped_session: the request's Session behind it
        session = session()
    if not session.in_transaction() and session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


# --- The hot path's statements on PostgreSQL --------------------------------------------------------------------
# A scan runs six or seven pre-built Core statements. SQLAlchemy's execute() spends about 35 µs of CPU per statement
# on them (cache key, parameter processing, result set-up: 70 µs against 37 µs for psycopg alone, measured on this
# machine with the statements of an issue), a sixth of a scan's Python. `hot()` compiles each statement once per
# dialect and sends it on the connection's own psycopg cursor, applying the same bind processors (UTC datetimes),
# so the database sees exactly the SQL it saw before. It steps aside (plain `conn.execute`) wherever something
# watches statements — an event listener (the SQL log of `benchmarks/request_profile.py`, the statement-counting
# tests), the engine's echo — and on SQLite, whose driver needs SQLAlchemy's type conversions.
# (id of the statement, dialect, parameter names) -> (SQL, defaults, processors, statement), or None: not plain
_HOT: dict[tuple[int, str, tuple], tuple | None] = {}


class _HotRows:
    """The part of a CursorResult the hot path uses, over the connection's psycopg cursor: read it before the next
    statement on that connection (which reuses the cursor)."""

    __slots__ = ("_cur",)

    def __init__(self, cur):
        self._cur = cur

    def first(self):
        return self._cur.fetchone()

    def scalar(self):
        row = self._cur.fetchone()
        return None if row is None else row[0]

    def scalar_one(self):
        row = self._cur.fetchone()
        if row is None:
            raise NoResultFound("No row was found when one was required")
        return row[0]


def _hot_compiled(stmt, dialect, keys: tuple) -> tuple | None:
    """(SQL, default parameters, bind processors, statement), compiled as `conn.execute` would for these parameter
    names; None for a statement that needs SQLAlchemy at run time (Python-side column defaults, expanding lists)."""
    key = (id(stmt), dialect.name, keys)
    hit = _HOT.get(key, False)
    if hit is False:
        compiled = stmt.compile(dialect=dialect, column_keys=list(keys))
        procs = {name: proc for bind, name in compiled.bind_names.items()
                 if (proc := bind.type._cached_bind_processor(dialect)) is not None}
        plain = not (compiled.insert_prefetch or compiled.update_prefetch or compiled.literal_execute_params
                     or any(b.expanding for b in compiled.bind_names))
        # the statement is kept in the entry, so its id() cannot be taken by another object
        defaults = {k: v for k, v in compiled.params.items() if k not in keys}  # literals bound by the statement
        hit = _HOT[key] = (compiled.string, defaults, procs, stmt) if plain else None
    return hit


def hot(conn, stmt, params: dict):
    """Execute a pre-built Core statement of the hot path; answers `.first()`, `.scalar()` and `.scalar_one()` as
    a CursorResult does, and raises SQLAlchemy's exceptions (IntegrityError for a duplicate key) as `conn.execute`
    would."""
    if conn._has_events or conn.engine._has_events or conn._echo or conn.dialect.driver != "psycopg":
        return conn.execute(stmt, params)
    compiled = _hot_compiled(stmt, conn.dialect, tuple(params))
    if compiled is None:
        return conn.execute(stmt, params)
    sql, defaults, procs, _ = compiled
    values = {**defaults, **params}
    for name, proc in procs.items():
        if name in values:
            values[name] = proc(values[name])
    fairy = conn.connection
    dbapi_conn = fairy.dbapi_connection
    # One cursor per database connection, kept with it: making a psycopg cursor (its adapters, its row maker) is
    # about an eighth of what a statement costs here, and every caller reads its row before the next statement.
    kept = fairy.info.get("hot_cursor")
    if kept is None or kept[0] is not dbapi_conn:
        kept = fairy.info["hot_cursor"] = (dbapi_conn, dbapi_conn.cursor(row_factory=namedtuple_row))
    cur = kept[1]
    try:
        cur.execute(sql, values)
    except psycopg.Error as exc:
        if conn.dialect.is_disconnect(exc, dbapi_conn, cur):
            conn.invalidate(exc)
        raise DBAPIError.instance(sql, values, exc, psycopg.Error, dialect=conn.dialect) from exc
    return _HotRows(cur)
