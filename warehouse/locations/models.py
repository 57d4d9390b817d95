from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from warehouse.db import Base
from warehouse.limits import LOCATION_CODE_LEN, NAME_LEN, ZONE_LEN
from warehouse.limits import STORES  # noqa: F401  (defined in limits; read from here by older callers)

# Kinds whose on-hand is cached in `balance` and must never go negative. Counterparties (supplier, customer, ...)
# are sources and sinks: their balance is a sum over moves when anyone asks, and may be negative.
STOCK_KINDS = ("bin", "technician", "transit")
# Kinds that are counted in stocktakes and reconciled (account / item / card) like bins: bins and technicians' vans
# (`V-<USERNAME>`, store NEW). Transit is reconciled by its documents, not counted.
COUNTED_KINDS = ("bin", "technician")
KINDS = STOCK_KINDS + ("supplier", "dealer", "customer", "scrap", "adjustment", "pending")


class Location(Base):
    __tablename__ = "location"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(LOCATION_CODE_LEN), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="bin", index=True)
    store: Mapped[str | None] = mapped_column(String(16), index=True)
    zone: Mapped[str | None] = mapped_column(String(ZONE_LEN))
    name: Mapped[str | None] = mapped_column(String(NAME_LEN))
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def holds_stock(self) -> bool:
        return self.kind in STOCK_KINDS
