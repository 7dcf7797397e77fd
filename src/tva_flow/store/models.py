"""Tables. The schema itself is created and changed only by the Alembic migrations next to this file."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (JSON, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, text,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        from datetime import timezone
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        from datetime import timezone
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict: JSON, list: JSON}


class DefinitionFile(Base):
    """Content-addressed definition files (BPMN, DMN, form JSON)."""

    __tablename__ = "definition_files"
    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    filename: Mapped[str] = mapped_column(String(255), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    deployed_at: Mapped[datetime]


class CurrentFile(Base):
    """The deployed workspace: which content each definition file name has now."""

    __tablename__ = "current_files"
    filename: Mapped[str] = mapped_column(String(255), primary_key=True)
    content_hash: Mapped[str] = mapped_column(ForeignKey("definition_files.content_hash"))
    deployed_at: Mapped[datetime]


class ProcessDefinition(Base):
    __tablename__ = "process_definitions"
    __table_args__ = (UniqueConstraint("process_key", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    process_key: Mapped[str] = mapped_column(String(255), index=True)
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(255))
    bpmn_file: Mapped[str] = mapped_column(String(255))
    bundle_hash: Mapped[str] = mapped_column(String(64))
    files: Mapped[dict]  # filename -> content hash
    deployed_at: Mapped[datetime]
    message_starts: Mapped[list] = mapped_column(JSON, default=list, server_default=text("'[]'"))  # message names that start it
    deployed_by: Mapped[str | None] = mapped_column(String(255))  # the subject who deployed this version


class ProcessInstance(Base):
    __tablename__ = "process_instances"
    __table_args__ = (Index("ix_process_instances_page", "started_at", "id"),
                      Index("ix_process_instances_page_process", "process_key", "started_at", "id"),
                      Index("ix_process_instances_page_business_key", "business_key", "started_at", "id"),
                      Index("ix_process_instances_page_status", "status", "started_at", "id"),
                      Index("ix_process_instances_page_area", "area", "started_at", "id"))
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"))
    process_key: Mapped[str] = mapped_column(String(255))
    version: Mapped[int]
    business_key: Mapped[str] = mapped_column(String(255))
    area: Mapped[str | None] = mapped_column(String(64))  # the employment-authority area (työllisyysalue)
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    variables: Mapped[dict]
    error: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(Text)  # SpiffWorkflow's own serialisation (without the spec)
    revision: Mapped[int] = mapped_column(Integer, default=1)


class UserTask(Base):
    """Projection: user tasks, open and closed (closed ones answer 409 rather than 404)."""

    __tablename__ = "user_tasks"
    __table_args__ = (Index("ix_user_tasks_page", "status", "due_at", "id"),
                      Index("ix_user_tasks_page_group", "status", "candidate_group", "due_at", "id"),
                      Index("ix_user_tasks_page_assignee", "status", "assignee", "due_at", "id"),
                      Index("ix_user_tasks_page_process", "status", "process_key", "due_at", "id"),
                      Index("ix_user_tasks_page_business_key", "status", "business_key", "due_at", "id"),
                      Index("ix_user_tasks_page_area_group", "status", "area", "candidate_group", "due_at", "id"))
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instances.id"), index=True)
    element_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    candidate_group: Mapped[str | None] = mapped_column(String(255))
    assignee: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))  # open, completed, cancelled
    due_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(String(255))
    form: Mapped[str | None] = mapped_column(String(255))
    ui_form: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[dict]
    process_key: Mapped[str] = mapped_column(String(255))
    business_key: Mapped[str] = mapped_column(String(255))
    area: Mapped[str | None] = mapped_column(String(64))


class PendingTimer(Base):
    __tablename__ = "timers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instances.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class MessageSubscription(Base):
    __tablename__ = "message_subscriptions"
    __table_args__ = (Index("ix_message_subscriptions_lookup", "message_name", "business_key"),
                      Index("ix_message_subscriptions_page_business_key", "business_key", "id"),
                      Index("ix_message_subscriptions_page_name", "message_name", "id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instances.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(255))
    message_name: Mapped[str] = mapped_column(String(255))
    business_key: Mapped[str] = mapped_column(String(255))
    area: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]


class HistoryEvent(Base):
    """Append-only: rows are only ever inserted."""

    __tablename__ = "history"
    __table_args__ = (Index("ix_history_page", "instance_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instances.id"))
    at: Mapped[datetime]
    type: Mapped[str] = mapped_column(String(32))
    element_id: Mapped[str | None] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    user: Mapped[str | None] = mapped_column(String(255))  # the token's subject
    role: Mapped[str | None] = mapped_column(String(32))  # the role the subject acted in
    data: Mapped[dict | None]


class OutboxEntry(Base):
    """Everything a process sent outside (statements, notices, hand-overs), written with the step."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_page_business_key", "business_key", "id"),
                      Index("ix_outbox_page_recipient", "recipient", "id"),
                      Index("ix_outbox_page_type", "type", "id"),
                      Index("ix_outbox_page_instance", "instance_id", "id"),
                      Index("ix_outbox_page_area", "area", "id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instances.id"))
    process_key: Mapped[str] = mapped_column(String(255))
    business_key: Mapped[str] = mapped_column(String(255))
    area: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime]
    type: Mapped[str] = mapped_column(String(255))
    recipient: Mapped[str | None] = mapped_column(String(255))
    element_id: Mapped[str | None] = mapped_column(String(255))
    payload: Mapped[dict | None]


class CustomerEvent(Base):
    """The customer record: what outlives one case (failures, sanctions, registrations), per person.
    Append-only, written in the same transaction as the step that recorded it (engine/records.py)."""

    __tablename__ = "customer_events"
    __table_args__ = (Index("ix_customer_events_customer", "business_key", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    business_key: Mapped[str] = mapped_column(String(255))
    area: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime]  # when it was recorded
    kind: Mapped[str] = mapped_column(String(32))
    date: Mapped[str] = mapped_column(String(10))  # the event's own date (ISO), e.g. the failure's
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instances.id"))
    process_key: Mapped[str] = mapped_column(String(255))
    element_id: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[dict]


class ClockRow(Base):
    """The simulated clock's time, shared by every worker on the database (one row, id 1)."""

    __tablename__ = "clock"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    now: Mapped[datetime]
    updated_at: Mapped[datetime]


class User(Base):
    """The embedded user directory (when no OpenID Connect provider is used, or beside one)."""

    __tablename__ = "users"
    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    roles: Mapped[list]
    groups: Mapped[list]
    areas: Mapped[list]
    customers: Mapped[list]  # business keys a customer acts for
    rights: Mapped[list]
    password_hash: Mapped[str | None] = mapped_column(Text)  # argon2id
    created_at: Mapped[datetime]
    language: Mapped[str | None] = mapped_column(String(8))  # the browser desk's language (fi, sv, en)


class SigningKey(Base):
    """The embedded directory's token-signing key, generated on first use, kept only in the database."""

    __tablename__ = "signing_keys"
    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    private_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class AppSecret(Base):
    """A secret the server generates once and keeps only in the database (the browser session's key)."""

    __tablename__ = "app_secrets"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class AuditRow(Base):
    """Who read or changed whose data. Append-only: the application only inserts, and the database
    refuses UPDATE and DELETE (triggers in migration 0004)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_customer", "customer", "id"),
                      Index("ix_audit_log_subject", "subject", "id"),
                      Index("ix_audit_log_area", "area", "id"),
                      Index("ix_audit_log_at", "at", "id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    subject: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(32))
    area: Mapped[str | None] = mapped_column(String(64))
    customer: Mapped[str | None] = mapped_column(String(255))
    instance_id: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(64))  # the use case, e.g. "read_instance", "complete_task"
    result: Mapped[str] = mapped_column(String(32))  # ok, forbidden, not_found
