"""real data: icb, metric target, episode source, undated interventions, unbounded text, session generation

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UNDATED = sa.text("start_date IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("trusts") as batch:
        batch.alter_column("trust_name", type_=sa.Text(), existing_type=sa.String(200), existing_nullable=False)
        batch.alter_column("region", type_=sa.Text(), existing_type=sa.String(100), existing_nullable=True)
        batch.add_column(sa.Column("icb", sa.Text(), nullable=True))
    with op.batch_alter_table("metrics") as batch:
        batch.alter_column("name", type_=sa.Text(), existing_type=sa.String(200), existing_nullable=False)
        batch.add_column(sa.Column("target", sa.Float(), nullable=True))
    with op.batch_alter_table("regime_episodes") as batch:
        batch.add_column(sa.Column("source", sa.Text(), nullable=True))
    with op.batch_alter_table("interventions") as batch:
        batch.alter_column("start_date", existing_type=sa.Date(), nullable=True)
        batch.alter_column("partner", type_=sa.Text(), existing_type=sa.String(200), existing_nullable=True)
    op.create_index(
        "uq_interventions_undated",
        "interventions",
        ["trust_code", "intervention"],
        unique=True,
        sqlite_where=UNDATED,
        postgresql_where=UNDATED,
    )
    with op.batch_alter_table("dataset_info") as batch:
        batch.alter_column("name", type_=sa.Text(), existing_type=sa.String(200), existing_nullable=True)
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_generation")
    op.drop_index("uq_interventions_undated", table_name="interventions")
    with op.batch_alter_table("interventions") as batch:
        batch.alter_column("partner", type_=sa.String(200), existing_type=sa.Text(), existing_nullable=True)
        batch.alter_column("start_date", existing_type=sa.Date(), nullable=False)
    with op.batch_alter_table("regime_episodes") as batch:
        batch.drop_column("source")
    with op.batch_alter_table("metrics") as batch:
        batch.drop_column("target")
        batch.alter_column("name", type_=sa.String(200), existing_type=sa.Text(), existing_nullable=False)
    with op.batch_alter_table("trusts") as batch:
        batch.drop_column("icb")
        batch.alter_column("region", type_=sa.String(100), existing_type=sa.Text(), existing_nullable=True)
        batch.alter_column("trust_name", type_=sa.String(200), existing_type=sa.Text(), existing_nullable=False)
    with op.batch_alter_table("dataset_info") as batch:
        batch.alter_column("name", type_=sa.String(200), existing_type=sa.Text(), existing_nullable=True)
