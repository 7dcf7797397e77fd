"""identity and tenancy: the user directory, its signing key, each case's area, the role in the history,
and the append-only audit trail of personal data

Existing cases get no area here (a migration cannot know it); `tva-flow migrate-areas --default AREA`
gives them one, until then only actors of every area (`*`) reach them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

AREA_TABLES = ('process_instances', 'user_tasks', 'outbox', 'message_subscriptions')
INDEXES = [
    ('process_instances', 'ix_process_instances_page_area', ['area', 'started_at', 'id']),
    ('user_tasks', 'ix_user_tasks_page_area_group', ['status', 'area', 'candidate_group', 'due_at', 'id']),
    ('outbox', 'ix_outbox_page_area', ['area', 'id']),
    ('audit_log', 'ix_audit_log_customer', ['customer', 'id']),
    ('audit_log', 'ix_audit_log_subject', ['subject', 'id']),
    ('audit_log', 'ix_audit_log_area', ['area', 'id']),
    ('audit_log', 'ix_audit_log_at', ['at', 'id']),
]
APPEND_ONLY = {
    'sqlite': [
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
    ],
    'postgresql': [
        "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$",
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    ],
}


def upgrade() -> None:
    for table in AREA_TABLES:
        op.add_column(table, sa.Column('area', sa.String(length=64), nullable=True))
    op.add_column('history', sa.Column('role', sa.String(length=32), nullable=True))
    op.add_column('process_definitions', sa.Column('deployed_by', sa.String(length=255), nullable=True))
    op.create_table('users',
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('groups', sa.JSON(), nullable=False),
    sa.Column('areas', sa.JSON(), nullable=False),
    sa.Column('customers', sa.JSON(), nullable=False),
    sa.Column('rights', sa.JSON(), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('signing_keys',
    sa.Column('kid', sa.String(length=64), nullable=False),
    sa.Column('private_pem', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('kid')
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('area', sa.String(length=64), nullable=True),
    sa.Column('customer', sa.String(length=255), nullable=True),
    sa.Column('instance_id', sa.String(length=36), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('result', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    for statement in APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    for table, name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_table('audit_log')
    op.drop_table('signing_keys')
    op.drop_table('users')
    with op.batch_alter_table('history') as batch:
        batch.drop_column('role')
    with op.batch_alter_table('process_definitions') as batch:
        batch.drop_column('deployed_by')
    for table in AREA_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column('area')
