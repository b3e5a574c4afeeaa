"""Supervision settings: viewer questions answered in time, broadcasts and their reviews."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from config.base import Section

ACCOUNT_ID = r"^[^\s]{1,128}$"


class ReplyAccount(Section):
    """A room's own platform account whose comments count as replies to viewers."""

    account: str = Field(pattern=ACCOUNT_ID, description="the platform user id of the account")
    person: str = Field("", description="the person who types on it (credited in evaluations)")


class SpeechAnswers(Section):
    """The host's speech (ASR) answers a question that its words address within a window.

    Off by default: on the shipped labelled pairs (data/supervision/speech_pairs.tsv,
    bench/bench_speech_answers.py) its precision is too low to credit people with.
    """

    enabled: bool = False
    window: float = Field(90.0, gt=0, le=3_600, description="seconds after the question")


class ReviewConfig(Section):
    """Where a broadcast's review is announced and how its figures are bucketed."""

    notify: list[str] = Field(
        default_factory=list, description="notifier ids told of every review (rooms may add)"
    )
    console_url: str = Field(
        "", pattern=r"^(https?://\S+)?$", description="public console base URL for links"
    )
    bucket: float = Field(60.0, ge=10, le=3_600, description="seconds per point of the charts")


class SupervisionConfig(Section):
    """How questions are judged answered and how broadcasts are reviewed."""

    questions: bool = Field(True, description="mark viewer questions and time their answers")
    answer_within: float = Field(
        180.0, gt=0, le=86_400, description="seconds within which an answer is in time"
    )
    reply_window: float = Field(
        600.0, gt=0, le=86_400, description="a reply answers questions at most this old"
    )
    rejoin_within: float = Field(
        120.0,
        ge=0,
        le=3_600,
        description="a stream live again this soon after it ended goes on as the same broadcast",
    )
    expire_after: float = Field(
        1_800.0, gt=0, le=86_400, description="an open question this old is missed"
    )
    open_limit: int = Field(
        500, ge=10, le=100_000, description="open questions kept per room (oldest missed)"
    )
    timezone: str = Field(
        "Asia/Shanghai", description="where a month starts and ends for the evaluation"
    )
    speech: SpeechAnswers = SpeechAnswers()
    review: ReviewConfig = ReviewConfig()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (an IANA name such as Asia/Shanghai)"
            ) from None
        return value
