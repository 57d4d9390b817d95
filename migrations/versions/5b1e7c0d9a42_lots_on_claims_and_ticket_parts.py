"""lots carried from issues to repairs (warranty_claim.lot, service_ticket_part.lot); the dealer's confirmation
of an intake receipt (warranty_claim.dealer_confirmed_by, dealer_confirmed_at)

Revision ID: 5b1e7c0d9a42
Revises: 6ea200b6c935
Create Date: 2026-11-30 03:30:00

"""
from alembic import op
import sqlalchemy as sa
import warehouse.db  # noqa: F401  (custom column types such as UTCDateTime)


# revision identifiers, used by Alembic.
revision = '5b1e7c0d9a42'
down_revision = '6ea200b6c935'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('warranty_claim', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lot', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('dealer_confirmed_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('dealer_confirmed_at', warehouse.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('service_ticket_part', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lot', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('service_ticket_part', schema=None) as batch_op:
        batch_op.drop_column('lot')
    with op.batch_alter_table('warranty_claim', schema=None) as batch_op:
        batch_op.drop_column('dealer_confirmed_at')
        batch_op.drop_column('dealer_confirmed_by')
        batch_op.drop_column('lot')
