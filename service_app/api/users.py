"""Users and the audit trail: change your own password; an administrator changes roles, deactivates, resets
passwords and unlocks sign-ins; admins read the audit trail. A password, role or active change ends every session
and token of that user (docs/security.md)."""
from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service_app.api.common import read, write
from service_app.api.fields import Str
from service_app.auth.identity import api_actor, forget_actor, require
from service_app.extensions import db
from warehouse import limits
from warehouse.accounts import services as accounts
from warehouse.accounts.roles import ROLES
from warehouse.accounts.signin import unlock
from warehouse.audit import queries as audit

blp = Blueprint("api_users", __name__, description="Users, passwords, sign-in locks and the audit trail")

Password = lambda **kw: Str(validate=validate.Length(min=1, max=limits.PASSWORD_LEN), **kw)  # noqa: E731
Username = lambda **kw: Str(validate=validate.Length(min=1, max=limits.USERNAME_LEN), **kw)  # noqa: E731


class OwnPassword(Schema):
    current_password = Password(required=True)
    new_password = Password(required=True)


class NewPassword(Schema):
    new_password = Password(required=True)


class UserChange(Schema):
    role = Str(validate=validate.OneOf(ROLES))
    active = fields.Boolean(truthy={True}, falsy={False})


class UserOut(Schema):
    username = Str()
    role = Str()
    display_name = Str(allow_none=True)
    active = fields.Boolean()


class UnlockIn(Schema):
    username = Username(allow_none=True)
    client_ip = Str(allow_none=True, validate=validate.Length(min=1, max=64))


class UnlockOut(Schema):
    unlocked = fields.Integer(metadata={"description": "locks lifted (0 when there was none)"})


class AuditQuery(Schema):
    entity = Str(validate=validate.Length(max=64), metadata={"description": "part, location, user_account, …"})
    key = Str(validate=validate.Length(max=100), metadata={"description": "the row: part number, bin code, …"})
    actor = Username()
    action = Str(validate=validate.Length(max=32), metadata={"description": "create, update, delete, read, …"})
    since = fields.DateTime()
    until = fields.DateTime()
    before_id = fields.Integer(validate=validate.Range(min=1), metadata={"format": "int64"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=audit.MAX_PAGE))


class AuditEntryOut(Schema):
    id = fields.Integer()
    at = Str()
    actor = Str(allow_none=True)
    role = Str(allow_none=True)
    client_ip = Str(allow_none=True)
    user_agent = Str(allow_none=True)
    action = Str()
    entity = Str()
    key = Str(allow_none=True)
    before = fields.Dict(allow_none=True)
    after = fields.Dict(allow_none=True)
    note = Str(allow_none=True)


class AuditOut(Schema):
    entries = fields.List(fields.Nested(AuditEntryOut))


@blp.route("/auth/password", methods=["POST"])
@blp.arguments(OwnPassword())
@blp.response(200, UserOut)
def own_password(body):
    """Change your own password (the current one is required). Every session and token of yours ends, this one
    included: sign in again."""
    actor = api_actor()
    done = write(lambda _k: accounts.user_dict(accounts.change_password(
        db.session, username=actor.username, current_password=body["current_password"],
        new_password=body["new_password"])))
    forget_actor()
    return done


@blp.route("/users/<username>", methods=["POST"])
@blp.arguments(UserChange())
@blp.response(200, UserOut)
@require("users.manage")
def change_user(body, username):
    """Change a user's role and/or deactivate (`active: false`) or reactivate them; their sessions and tokens end."""
    def run(_key):
        user = accounts.get_user(db.session, username)
        if "role" in body:
            user = accounts.set_role(db.session, username=username, role=body["role"])
        if "active" in body:
            user = accounts.set_active(db.session, username=username, active=body["active"])
        return accounts.user_dict(user)

    done = write(run)
    forget_actor()  # this process at once; the others within ACTOR_TTL
    return done


@blp.route("/users/<username>/password", methods=["POST"])
@blp.arguments(NewPassword())
@blp.response(200, UserOut)
@require("users.manage")
def reset_password(body, username):
    """An administrator sets a user's password (the password policy applies); their sessions and tokens end."""
    done = write(lambda _k: accounts.user_dict(accounts.change_password(
        db.session, username=username, new_password=body["new_password"], check_current=False)))
    forget_actor()
    return done


@blp.route("/auth/unlock", methods=["POST"])
@blp.arguments(UnlockIn())
@blp.response(200, UnlockOut)
@require("users.manage")
def unlock_sign_in(body):
    """Lift the sign-in lock of a user name and/or a client address (after too many failed sign-ins)."""
    return write(lambda _k: {"unlocked": unlock(db.session, username=body.get("username"),
                                                client_ip=body.get("client_ip"))})


@blp.route("/audit", methods=["GET"])
@blp.arguments(AuditQuery(), location="query")
@blp.response(200, AuditOut)
@require("audit.read")
def audit_trail(args):
    """The audit trail, newest first, filtered by entity, key, actor, action and time (`before_id` pages back)."""
    return read({"entries": [audit.entry_dict(e) for e in audit.entries(db.session, **args)]})
