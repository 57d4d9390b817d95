"""lots carried from issues to repairs: warranty_claim.lot, service_ticket_part.lot

Revision ID: 5b1e7c0d9a42
Revises: a31a38f933a0
Create Date: 2026-11-30 03:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b1e7c0d9a42'
down_revision = 'a31a38f933a0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('warranty_claim', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lot', sa.String(length=40), nullable=True))
    with op.batch_alter_table('service_ticket_part', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lot', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('service_ticket_part', schema=None) as batch_op:
        batch_op.drop_column('lot')
    with op.batch_alter_table('warranty_claim', schema=None) as batch_op:
        batch_op.drop_column('lot')
