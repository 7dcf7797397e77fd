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


class ProcessInstance(Base):
    __tablename__ = "process_instances"
    __table_args__ = (Index("ix_process_instances_page", "started_at", "id"),
                      Index("ix_process_instances_page_process", "process_key", "started_at", "id"),
                      Index("ix_process_instances_page_business_key", "business_key", "started_at", "id"),
                      Index("ix_process_instances_page_status", "status", "started_at", "id"))
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"))
    process_key: Mapped[str] = mapped_column(String(255))
    version: Mapped[int]
    business_key: Mapped[str] = mapped_column(String(255))
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
                      Index("ix_user_tasks_page_business_key", "status", "business_key", "due_at", "id"))
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
    user: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[dict | None]


class OutboxEntry(Base):
    """Everything a process sent outside (statements, notices, hand-overs), written with the step."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_page_business_key", "business_key", "id"),
                      Index("ix_outbox_page_recipient", "recipient", "id"),
                      Index("ix_outbox_page_type", "type", "id"),
                      Index("ix_outbox_page_instance", "instance_id", "id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_id: Mapped[str] = mapped_column(ForeignKey("process_instances.id"))
    process_key: Mapped[str] = mapped_column(String(255))
    business_key: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime]
    type: Mapped[str] = mapped_column(String(255))
    recipient: Mapped[str | None] = mapped_column(String(255))
    element_id: Mapped[str | None] = mapped_column(String(255))
    payload: Mapped[dict | None]


class ClockRow(Base):
    """The simulated clock's time, shared by every worker on the database (one row, id 1)."""

    __tablename__ = "clock"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    now: Mapped[datetime]
    updated_at: Mapped[datetime]
