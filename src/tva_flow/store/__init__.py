"""Persistence: SQLAlchemy models, migrations and the unit of work. Nothing else talks SQL."""
