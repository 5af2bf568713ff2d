"""Training records: recorded and removed by ``training:admin``, each change keeping
the user's ``training_valid_until`` (the latest expiry) current, which is what the
check on every request reads."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.db.base import utcnow
from callvault.errors import InvalidInput, NotFound
from callvault.identity.models import User
from callvault.identity.training.models import TrainingPolicy, TrainingRecord
from callvault.identity.training.rules import DEFAULT_PERIOD_MONTHS, add_months
from callvault.identity.training.schemas import (
    TrainingCreated,
    TrainingIn,
    TrainingList,
    TrainingOut,
    TrainingPolicyIn,
    TrainingPolicyOut,
)

NO_SUCH_USER = "no such user"
NO_SUCH_RECORD = "no such training record"


def training_policy(db: Session, tenant_id: str) -> TrainingPolicyOut:
    row = db.get(TrainingPolicy, tenant_id)
    if row is None:
        return TrainingPolicyOut(required=False, period_months=DEFAULT_PERIOD_MONTHS)
    return TrainingPolicyOut(required=row.required, period_months=row.period_months)


def training_required(db: Session, tenant_id: str) -> bool:
    return training_policy(db, tenant_id).required


def training_records(db: Session, user_id: str | None = None) -> list[TrainingOut]:
    """The (tenant-scoped) session's records, the latest first; unaudited: the caller
    records the read."""
    stmt = select(TrainingRecord).order_by(TrainingRecord.completed_on.desc(), TrainingRecord.id)
    if user_id is not None:
        stmt = stmt.where(TrainingRecord.user_id == user_id)
    return [_out(row) for row in db.scalars(stmt)]


class TrainingService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._db = ctx.session

    def record(self, body: TrainingIn) -> TrainingCreated:
        """404 for a user of another tenant (the session is scoped to this one)."""
        user = self._user(body.user_id)
        if body.completed_on > utcnow().date():
            raise InvalidInput("completed_on is in the future")
        period = training_policy(self._db, self._ctx.tenant_id).period_months
        row = TrainingRecord(
            tenant_id=self._ctx.tenant_id,
            user_id=user.id,
            course=body.course,
            completed_on=body.completed_on,
            expires_on=add_months(body.completed_on, period),
            recorded_by=self._ctx.principal.actor_id,
        )
        self._db.add(row)
        self._db.flush()
        self._refresh_valid_until(user)
        self._ctx.audit(AuditAction.TRAINING_CREATE, row.id)
        self._db.commit()
        return TrainingCreated(id=row.id, expires_on=row.expires_on)

    def remove(self, record_id: str) -> None:
        row = self._db.get(TrainingRecord, record_id)
        if row is None:
            raise NotFound(NO_SUCH_RECORD)
        user = self._db.get_one(User, row.user_id)
        self._db.delete(row)
        self._db.flush()
        self._refresh_valid_until(user)
        self._ctx.audit(AuditAction.TRAINING_DELETE, record_id)
        self._db.commit()

    def list_records(self, user_id: str | None = None) -> TrainingList:
        if user_id is not None:
            self._user(user_id)  # 404 for another tenant's
        records = training_records(self._db, user_id)
        self._ctx.audit_read(AuditAction.TRAINING_LIST, user_id)
        return TrainingList(records=records)

    def policy(self) -> TrainingPolicyOut:
        return training_policy(self._db, self._ctx.tenant_id)

    def set_policy(self, body: TrainingPolicyIn) -> TrainingPolicyOut:
        tenant_id = self._ctx.tenant_id
        row = self._db.get(TrainingPolicy, tenant_id) or TrainingPolicy(tenant_id=tenant_id)
        row.required = body.required
        row.period_months = body.period_months
        self._db.add(row)
        self._ctx.audit(AuditAction.TRAINING_POLICY_UPDATE, tenant_id)
        self._db.commit()
        return self.policy()

    def _user(self, user_id: str) -> User:
        user = self._db.get(User, user_id)
        if user is None:
            raise NotFound(NO_SUCH_USER)
        return user

    def _refresh_valid_until(self, user: User) -> None:
        latest: date | None = self._db.scalar(
            select(func.max(TrainingRecord.expires_on)).where(TrainingRecord.user_id == user.id)
        )
        user.training_valid_until = latest


def _out(row: TrainingRecord) -> TrainingOut:
    return TrainingOut(
        id=row.id,
        user_id=row.user_id,
        course=row.course,
        completed_on=row.completed_on,
        expires_on=row.expires_on,
        recorded_by=row.recorded_by,
    )
