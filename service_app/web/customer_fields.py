"""The customer and unit part of the hotline's forms (a ticket, a complaint): a customer found by the search, a new one
typed in, or none — then the unit's registered customer; and the unit's serial. The page's finder
(`templates/service/_customer_finder.html`) fills the customer fields."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import Length, NumberRange, Optional


class CustomerForm(FlaskForm):
    customer_id = IntegerField(validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])
    customer_name = StringField(_l("New customer's name"), validators=[Optional(), Length(max=200)])
    customer_phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    customer_address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    serial = StringField(_l("Unit serial / VIN"), validators=[Optional(), Length(max=40)])

    def customer(self) -> int | dict | None:
        """As the JSON API takes it: a customer's id, a new customer's fields, or None (the unit's own)."""
        if self.customer_id.data:
            return self.customer_id.data
        if (self.customer_name.data or "").strip():
            return {"name": self.customer_name.data, "phone": self.customer_phone.data or None,
                    "address": self.customer_address.data or None}
        return None

    def serial_no(self) -> str | None:
        return (self.serial.data or "").strip() or None
