"""Tables of customer care (see the package docstring)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from warehouse.db import Base, utcnow


class KbEntry(Base):
    """A problem and its solution (客户问题解决方案). draft → in_review → published (a reviewer who is not the
    author); an edit of a published entry takes it back to draft."""

    __tablename__ = "care_kb_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    model: Mapped[str | None] = mapped_column(String(40), index=True)  # a unit model; None: any model
    part_number: Mapped[str | None] = mapped_column(String(40), index=True)
    symptom: Mapped[str] = mapped_column(Text)
    cause: Mapped[str | None] = mapped_column(Text)
    solution: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    author: Mapped[str] = mapped_column(String(64))
    editor: Mapped[str] = mapped_column(String(64))  # the last one who changed the text
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewer: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None] = mapped_column()
    review_note: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column()


class KbToken(Base):
    """The word index of the knowledge base: one row per (token, entry); see rules.tokens."""

    __tablename__ = "care_kb_token"

    token: Mapped[str] = mapped_column(String(24), primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("care_kb_entry.id"), primary_key=True, index=True)


class Checklist(Base):
    """A scoring sheet for dealers, stations, calls or visits; never edited once written."""

    __tablename__ = "care_checklist"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    target: Mapped[str] = mapped_column(String(10))  # dealer | station | call | visit
    pass_score: Mapped[int | None] = mapped_column(Integer)  # required for call and visit checklists
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChecklistItem(Base):
    __tablename__ = "care_checklist_item"
    __table_args__ = (UniqueConstraint("checklist_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("care_checklist.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, … as the sheet numbers them
    text: Mapped[str] = mapped_column(String(200))
    max_score: Mapped[int] = mapped_column(Integer)


class Inspection(Base):
    """A dealer's or a station's inspection (巡查、考核): its total against the checklist's maximum."""

    __tablename__ = "care_inspection"
    __table_args__ = (Index("ix_care_inspection_target", "target_kind", "target_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(10))  # dealer | station
    target_code: Mapped[str] = mapped_column(String(32))
    target_name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(64))
    checklist_id: Mapped[int] = mapped_column(ForeignKey("care_checklist.id"))
    inspected_on: Mapped[date] = mapped_column(Date, index=True)
    inspector: Mapped[str] = mapped_column(String(64))
    score: Mapped[int] = mapped_column(Integer)
    max_score: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InspectionScore(Base):
    __tablename__ = "care_inspection_score"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("care_inspection.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("care_checklist_item.id"))
    score: Mapped[int] = mapped_column(Integer)
    max_score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(String(200))


class CorrectiveAction(Base):
    """整改: what the inspected dealer or station must put right, by when; closed once, after follow-ups."""

    __tablename__ = "care_corrective_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("care_inspection.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(8), default="open", index=True)
    closed_at: Mapped[datetime | None] = mapped_column()
    closed_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ActionFollowUp(Base):
    __tablename__ = "care_action_followup"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("care_corrective_action.id"), index=True)
    note: Mapped[str] = mapped_column(Text)
    closes: Mapped[bool] = mapped_column(default=False)
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Repairman(Base):
    """A repairman of an authorised repair station (the station's file, 维修人员档案)."""

    __tablename__ = "care_repairman"

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("service_station.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(40))
    qualification: Mapped[str | None] = mapped_column(String(100))
    joined_on: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Training(Base):
    __tablename__ = "care_training"

    id: Mapped[int] = mapped_column(primary_key=True)
    repairman_id: Mapped[int] = mapped_column(ForeignKey("care_repairman.id"), index=True)
    course: Mapped[str] = mapped_column(String(200))
    trained_on: Mapped[date] = mapped_column(Date)
    passed: Mapped[bool | None] = mapped_column()
    certificate_no: Mapped[str | None] = mapped_column(String(64))
    notes: Mapped[str | None] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(64))


class ServiceCheck(Base):
    """A call listened to or a visit spot-checked (监听、抽查) against the service standard."""

    __tablename__ = "care_service_check"
    __table_args__ = (Index("ix_care_service_check_agent_at", "agent", "checked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # call | visit
    agent: Mapped[str] = mapped_column(String(64))  # whose call or visit
    ticket_no: Mapped[str | None] = mapped_column(String(32))
    checklist_id: Mapped[int] = mapped_column(ForeignKey("care_checklist.id"))
    checked_at: Mapped[datetime] = mapped_column(index=True)
    checker: Mapped[str] = mapped_column(String(64))
    score: Mapped[int] = mapped_column(Integer)
    max_score: Mapped[int] = mapped_column(Integer)
    pass_score: Mapped[int] = mapped_column(Integer)
    compliant: Mapped[bool] = mapped_column()
    comments: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ServiceCheckScore(Base):
    __tablename__ = "care_service_check_score"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("care_service_check.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("care_checklist_item.id"))
    score: Mapped[int] = mapped_column(Integer)
    max_score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(String(200))
