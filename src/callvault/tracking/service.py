"""Campaigns and tracking numbers of the principal's tenant (``tracking:admin``).

Every change is audited with the object's id only; listings are audited as reads.
A duplicate name or number is a 409 that changes nothing; the unique constraints
decide it, so two concurrent requests cannot both win.
"""

from __future__ import annotations

from typing import NoReturn

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from callvault.audit.actions import AuditAction
from callvault.audit.context import ServiceContext
from callvault.audit.service import Outcome
from callvault.db.base import utcnow
from callvault.errors import Conflict, InvalidInput, NotFound
from callvault.phone import to_e164
from callvault.tracking.models import Campaign, TrackingNumber
from callvault.tracking.schemas import (
    CampaignIn,
    CampaignList,
    CampaignOut,
    CampaignPatch,
    TrackingNumberIn,
    TrackingNumberList,
    TrackingNumberOut,
)

DUPLICATE_CAMPAIGN = "the tenant already has a campaign of that name"
DUPLICATE_NUMBER = "the tenant already has that tracking number"


class TrackingService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._session = ctx.session
        self._tenant_id = ctx.tenant_id

    # -- campaigns ---------------------------------------------------------------------

    def create_campaign(self, data: CampaignIn) -> str:
        campaign = Campaign(tenant_id=self._tenant_id, **data.model_dump())
        self._session.add(campaign)
        self._flush_or_conflict(DUPLICATE_CAMPAIGN)
        self._ctx.audit(AuditAction.TRACKING_CAMPAIGN_CREATE, campaign.id)
        self._session.commit()
        return campaign.id

    def list_campaigns(self) -> CampaignList:
        campaigns = self._session.execute(
            select(Campaign).where(Campaign.tenant_id == self._tenant_id).order_by(Campaign.name)
        ).scalars()
        items = [campaign_out(c) for c in campaigns]
        self._ctx.audit_read(AuditAction.TRACKING_LIST, None)
        return CampaignList(items=items)

    def get_campaign(self, campaign_id: str) -> CampaignOut:
        campaign = campaign_out(self._campaign(campaign_id, AuditAction.TRACKING_LIST))
        self._ctx.audit_read(AuditAction.TRACKING_LIST, campaign_id)
        return campaign

    def update_campaign(self, campaign_id: str, data: CampaignPatch) -> CampaignOut:
        campaign = self._campaign(campaign_id, AuditAction.TRACKING_CAMPAIGN_UPDATE)
        for name in ("name", "source", "medium"):
            value = getattr(data, name)
            if value is not None:
                setattr(campaign, name, value)
        if data.archived is not None:
            campaign.archived_at = (campaign.archived_at or utcnow()) if data.archived else None
        self._flush_or_conflict(DUPLICATE_CAMPAIGN)
        self._ctx.audit(AuditAction.TRACKING_CAMPAIGN_UPDATE, campaign_id)
        self._session.commit()
        self._session.refresh(campaign)
        return campaign_out(campaign)

    # -- tracking numbers --------------------------------------------------------------

    def create_number(self, data: TrackingNumberIn) -> str:
        """422 for a number that is no E.164 number or a campaign the tenant does not
        have (or has archived); 409 for a number the tenant already tracks."""
        number = to_e164(data.number, "number")
        campaign = self._campaign_named(data)
        row = TrackingNumber(
            tenant_id=self._tenant_id,
            number=number,
            campaign_id=campaign.id,
            source=data.source,
            medium=data.medium,
            pool=data.pool,
        )
        self._session.add(row)
        self._flush_or_conflict(DUPLICATE_NUMBER)
        self._ctx.audit(AuditAction.TRACKING_NUMBER_CREATE, row.id)
        self._session.commit()
        return row.id

    def list_numbers(self) -> TrackingNumberList:
        rows = self._session.execute(
            select(TrackingNumber, Campaign.name)
            .join(Campaign, Campaign.id == TrackingNumber.campaign_id)
            .where(TrackingNumber.tenant_id == self._tenant_id)
            .order_by(TrackingNumber.number)
        ).all()
        items = [number_out(number, name) for number, name in rows]
        self._ctx.audit_read(AuditAction.TRACKING_LIST, None)
        return TrackingNumberList(items=items)

    def delete_number(self, number_id: str) -> None:
        """Calls it linked keep their campaign; later calls to it are not linked."""
        deleted = self._session.execute(
            delete(TrackingNumber)
            .where(TrackingNumber.tenant_id == self._tenant_id, TrackingNumber.id == number_id)
            .returning(TrackingNumber.id)
        ).first()
        if deleted is None:
            self._not_found(
                AuditAction.TRACKING_NUMBER_DELETE, number_id, "no such tracking number"
            )
        self._ctx.audit(AuditAction.TRACKING_NUMBER_DELETE, number_id)
        self._session.commit()

    # -- helpers -----------------------------------------------------------------------

    def _campaign_named(self, data: TrackingNumberIn) -> Campaign:
        column = Campaign.id if data.campaign_id is not None else Campaign.name
        wanted = data.campaign_id if data.campaign_id is not None else data.campaign
        campaign = self._session.execute(
            select(Campaign).where(Campaign.tenant_id == self._tenant_id, column == wanted)
        ).scalar_one_or_none()
        if campaign is None or campaign.archived_at is not None:
            self._session.rollback()
            raise InvalidInput("the tenant has no such active campaign")
        return campaign

    def _campaign(self, campaign_id: str, action: AuditAction) -> Campaign:
        campaign = self._session.execute(
            select(Campaign).where(
                Campaign.tenant_id == self._tenant_id, Campaign.id == campaign_id
            )
        ).scalar_one_or_none()
        if campaign is None:
            self._not_found(action, campaign_id, "no such campaign")
        return campaign

    def _flush_or_conflict(self, detail: str) -> None:
        try:
            self._session.flush()
        except IntegrityError:
            self._session.rollback()
            raise Conflict(detail) from None

    def _not_found(self, action: AuditAction, object_id: str, detail: str) -> NoReturn:
        """Audit the attempt on an object this tenant does not have, then raise 404."""
        self._ctx.audit_refusal(action, object_id, outcome=Outcome.NOT_FOUND)
        raise NotFound(detail)


def campaign_out(campaign: Campaign) -> CampaignOut:
    return CampaignOut(
        id=campaign.id,
        name=campaign.name,
        source=campaign.source,
        medium=campaign.medium,
        created_at=campaign.created_at,
        archived_at=campaign.archived_at,
    )


def number_out(number: TrackingNumber, campaign: str) -> TrackingNumberOut:
    return TrackingNumberOut(
        id=number.id,
        number=number.number,
        campaign_id=number.campaign_id,
        campaign=campaign,
        source=number.source,
        medium=number.medium,
        pool=number.pool,
        created_at=number.created_at,
    )
