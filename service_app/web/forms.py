from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class ReceiveForm(FlaskForm):
    part_number = StringField(_l("Part number"), validators=[DataRequired(), Length(max=64)])
    location = StringField(_l("Bin"), validators=[DataRequired(), Length(max=40)])
    qty = IntegerField(_l("Quantity"), validators=[DataRequired(), NumberRange(min=1, max=1_000_000)])
    unit_cost = DecimalField(_l("Unit cost"), places=4, validators=[Optional(), NumberRange(min=0)])
    reference = StringField(_l("Reference (delivery note)"), validators=[Optional(), Length(max=100)])
    document = StringField(_l("Add to receipt note"), validators=[Optional(), Length(max=32)])
    submit = SubmitField(_l("Receive"))


class IssueForm(FlaskForm):
    part_number = StringField(_l("Part number"), validators=[DataRequired(), Length(max=64)])
    location = StringField(_l("Bin"), validators=[DataRequired(), Length(max=40)])
    qty = IntegerField(_l("Quantity"), validators=[DataRequired(), NumberRange(min=1, max=1_000_000)])
    reference = StringField(_l("Reference"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Issue"))


class TransferForm(FlaskForm):
    part_number = StringField(_l("Part number"), validators=[DataRequired(), Length(max=64)])
    from_location = StringField(_l("From bin"), validators=[DataRequired(), Length(max=40)])
    to_location = StringField(_l("To bin"), validators=[DataRequired(), Length(max=40)])
    qty = IntegerField(_l("Quantity"), validators=[DataRequired(), NumberRange(min=1, max=1_000_000)])
    submit = SubmitField(_l("Transfer"))


class ReverseForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Reverse"))
