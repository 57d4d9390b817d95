from __future__ import annotations

from flask import current_app, jsonify, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service_app.api.fields import Str
from service_app.auth.identity import Unauthorized, issue_token
from service_app.extensions import db
from service_app.transactions import run_write
from warehouse import limits
from warehouse.accounts.errors import LoginLocked
from warehouse.accounts.signin import sign_in

blp = Blueprint("api_auth", __name__, description="API tokens")


class TokenRequest(Schema):
    username = Str(required=True, validate=validate.Length(max=limits.USERNAME_LEN))
    password = Str(required=True, validate=validate.Length(max=limits.PASSWORD_LEN))


class TokenResponse(Schema):
    token = Str()
    role = Str()
    expires_in = fields.Integer()


@blp.route("/auth/token", methods=["POST"])
@blp.arguments(TokenRequest)
@blp.response(200, TokenResponse)
@blp.doc(security=[])
def token(body):
    """Exchange a username and password for a bearer token. Failed attempts are counted per name and per client
    address; past the limit the name or address is locked for a growing time (429 `login_locked`, Retry-After)."""
    result = run_write(db.session, lambda _key: sign_in(db.session, username=body["username"],
                                                         password=body["password"], client_ip=request.remote_addr))
    if result.locked_for:
        raise LoginLocked(retry_after=result.locked_for)
    if result.user is None:
        raise Unauthorized(reason="wrong_password")
    user = result.user
    tok = issue_token(user)
    return jsonify({"token": tok, "role": user.role, "expires_in": current_app.config["API_TOKEN_MAX_AGE"]})
