"""service: monthly KPI targets

Revision ID: 5e1c0a7d2b91
Revises: 7796c9f82f93
Create Date: 2026-11-30 03:40:00.000000

"""
from alembic import op
import sqlalchemy as sa
import warehouse.db  # noqa: F401  (custom column types such as UTCDateTime)


# revision identifiers, used by Alembic.
revision = '5e1c0a7d2b91'
down_revision = '7796c9f82f93'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('service_kpi_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('kpi', sa.String(length=40), nullable=False),
    sa.Column('target', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.Column('set_by', sa.String(length=64), nullable=False),
    sa.Column('set_at', warehouse.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_kpi_target')),
    sa.UniqueConstraint('month', 'kpi', name=op.f('uq_service_kpi_target_month_kpi'))
    )


def downgrade():
    op.drop_table('service_kpi_target')
