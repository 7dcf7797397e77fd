"""the customer record: failures, sanctions and registrations that outlive one case, per person

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

APPEND_ONLY = {
    'sqlite': [
        "CREATE TRIGGER customer_events_no_update BEFORE UPDATE ON customer_events "
        "BEGIN SELECT RAISE(ABORT, 'the customer record is append-only'); END",
        "CREATE TRIGGER customer_events_no_delete BEFORE DELETE ON customer_events "
        "BEGIN SELECT RAISE(ABORT, 'the customer record is append-only'); END",
    ],
    'postgresql': [
        "CREATE FUNCTION customer_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'the customer record is append-only'; END $$",
        "CREATE TRIGGER customer_events_append_only BEFORE UPDATE OR DELETE ON customer_events "
        "FOR EACH ROW EXECUTE FUNCTION customer_events_append_only()",
    ],
}


def upgrade() -> None:
    op.create_table('customer_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('business_key', sa.String(length=255), nullable=False),
    sa.Column('area', sa.String(length=64), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('date', sa.String(length=10), nullable=False),
    sa.Column('instance_id', sa.String(length=36), nullable=False),
    sa.Column('process_key', sa.String(length=255), nullable=False),
    sa.Column('element_id', sa.String(length=255), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id']),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_customer_events_customer', 'customer_events', ['business_key', 'id'], unique=False)
    for statement in APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS customer_events_append_only ON customer_events")
        op.execute("DROP FUNCTION IF EXISTS customer_events_append_only()")
    op.drop_index('ix_customer_events_customer', table_name='customer_events')
    op.drop_table('customer_events')
