from __future__ import annotations

from flask import current_app, jsonify
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service_app.api.fields import Str
from service_app.auth.identity import Unauthorized, issue_token
from service_app.extensions import db
from warehouse import limits
from warehouse.accounts.services import authenticate

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
    """Exchange a username and password for a bearer token."""
    user = authenticate(db.session, body["username"], body["password"])
    if user is None:
        raise Unauthorized(reason="wrong_password")
    tok = issue_token(user)
    db.session.rollback()
    return jsonify({"token": tok, "role": user.role, "expires_in": current_app.config["API_TOKEN_MAX_AGE"]})
