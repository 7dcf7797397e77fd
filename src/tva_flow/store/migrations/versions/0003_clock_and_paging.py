"""the stored simulated clock, and indexes that serve every paged list

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# (table, index name, columns): each list endpoint's filter, then its keyset order
PAGING_INDEXES = [
    ('user_tasks', 'ix_user_tasks_page', ['status', 'due_at', 'id']),
    ('user_tasks', 'ix_user_tasks_page_group', ['status', 'candidate_group', 'due_at', 'id']),
    ('user_tasks', 'ix_user_tasks_page_assignee', ['status', 'assignee', 'due_at', 'id']),
    ('user_tasks', 'ix_user_tasks_page_process', ['status', 'process_key', 'due_at', 'id']),
    ('user_tasks', 'ix_user_tasks_page_business_key', ['status', 'business_key', 'due_at', 'id']),
    ('process_instances', 'ix_process_instances_page', ['started_at', 'id']),
    ('process_instances', 'ix_process_instances_page_process', ['process_key', 'started_at', 'id']),
    ('process_instances', 'ix_process_instances_page_business_key', ['business_key', 'started_at', 'id']),
    ('process_instances', 'ix_process_instances_page_status', ['status', 'started_at', 'id']),
    ('history', 'ix_history_page', ['instance_id', 'id']),
    ('outbox', 'ix_outbox_page_business_key', ['business_key', 'id']),
    ('outbox', 'ix_outbox_page_recipient', ['recipient', 'id']),
    ('outbox', 'ix_outbox_page_type', ['type', 'id']),
    ('outbox', 'ix_outbox_page_instance', ['instance_id', 'id']),
    ('message_subscriptions', 'ix_message_subscriptions_page_business_key', ['business_key', 'id']),
    ('message_subscriptions', 'ix_message_subscriptions_page_name', ['message_name', 'id']),
]
# single-column indexes the composite ones above make redundant
REPLACED = [
    ('user_tasks', 'ix_user_tasks_open_group', ['status', 'candidate_group']),
    ('user_tasks', 'ix_user_tasks_assignee', ['assignee']),
    ('user_tasks', 'ix_user_tasks_business_key', ['business_key']),
    ('process_instances', 'ix_process_instances_process_key', ['process_key']),
    ('process_instances', 'ix_process_instances_business_key', ['business_key']),
    ('process_instances', 'ix_process_instances_status', ['status']),
    ('history', 'ix_history_instance_id', ['instance_id']),
    ('outbox', 'ix_outbox_business_key', ['business_key']),
    ('outbox', 'ix_outbox_instance_id', ['instance_id']),
    ('outbox', 'ix_outbox_recipient', ['recipient']),
    ('outbox', 'ix_outbox_type', ['type']),
]


def upgrade() -> None:
    op.create_table('clock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('now', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    for table, name, columns in PAGING_INDEXES:
        op.create_index(name, table, columns, unique=False)
    for table, name, _columns in REPLACED:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for table, name, columns in REPLACED:
        op.create_index(name, table, columns, unique=False)
    for table, name, _columns in reversed(PAGING_INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_table('clock')
