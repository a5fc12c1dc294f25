"""Settings from the environment or a `.env` file; secrets never leave as plain strings."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot import PROJECT_ROOT
from bot.domain.follow_up import DEFAULT_EMERGENCY_REPORT_DAYS, DEFAULT_REPORT_MONTHS
from bot.domain.sessions import BureauSession, default_sessions, parse_sessions
from bot.domain.tranches import DEFAULT_SCHEDULE, ScheduleError, Share, parse_schedule

TOKEN_PATTERN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,100}$")
# Telegram's rule for secret_token (1-256 of A-Z a-z 0-9 _ -), with at least 32 for strength.
WEBHOOK_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32,256}$")
Language = Literal["fr", "en", "ar"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=(PROJECT_ROOT / ".env", ".env"),
        env_file_encoding="utf-8",
        extra="ignore",
    )

    bot_token: SecretStr
    bot_api_url: str = "https://api.telegram.org"
    database_url: str = ""
    secretariat_chat_id: int | None = None
    admin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    files_dir: Path = Path("data/files")
    default_language: Language = "fr"
    secretariat_language: Language | None = None
    commission_chat_id: int | None = None  # the Humanitarian Aid commission: emergency alerts
    commission_language: Language | None = None
    presidency_chat_id: int | None = None  # the AIMF Presidency: decides emergency aid
    presidency_language: Language | None = None
    fund_max_share: Decimal = Field(default=Decimal("0.80"), gt=0, le=1)
    city_min_share: Decimal = Field(default=Decimal("0.20"), ge=0, lt=1)
    bureau_sessions: Annotated[tuple[BureauSession, ...], NoDecode] = ()
    log_level: str = "INFO"
    invite_days: int = Field(default=7, ge=1, le=365)  # one-time invite links expire after this
    # Reminders of unsubmitted drafts, days before the next deadline; the staff's daily digest.
    reminder_days: Annotated[tuple[int, ...], NoDecode] = (30, 7)
    digest_hour: int = Field(default=8, ge=0, le=23)  # UTC
    digest_wait_days: int = Field(default=7, ge=0, le=365)
    card_pdf: bool = True  # on submission, the dossier's PDF goes to the Secretariat's chat too
    # Production: webhook mode behind a TLS proxy, Redis shared by several processes, health.
    bot_mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str = ""  # the public https address Telegram posts to (path included)
    webhook_host: str = "0.0.0.0"  # behind the reverse proxy
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    port: int | None = Field(default=None, ge=1, le=65535)  # Procfile platforms set PORT
    webhook_path: str = "/webhook"
    webhook_secret: SecretStr | None = None
    webhook_max_connections: int = Field(default=40, ge=1, le=100)
    metrics_port: int | None = Field(default=None, ge=1, le=65535)  # polling mode: health
    redis_url: SecretStr | None = None  # may hold a password
    redis_lock_seconds: float = Field(default=60.0, gt=0, le=3600)
    # Connections per process: an update holds one while it is handled, its calls to Telegram
    # included, so a burst of N people at once needs N (SQLAlchemy's default is 5 + 10).
    database_pool_size: int = Field(default=30, ge=1, le=200)
    database_max_overflow: int = Field(default=10, ge=0, le=200)
    # Telegram's ~30 messages/s are per bot: with N processes, give each 25 // N.
    outbox_global_rate: int = Field(default=25, ge=1, le=30)
    # Emergencies: an alert nobody acknowledges is escalated (repeated, and sent to the Presidency
    # and to these people) after this many minutes, up to that many times; a situation report is
    # asked of the city every SITREP_HOURS while its emergency is open. Decimals allowed.
    escalation_minutes: Decimal = Field(default=Decimal("15"), gt=0, le=10080)
    escalation_rounds: int = Field(default=3, ge=0, le=20)
    escalation_user_ids: Annotated[tuple[int, ...], NoDecode] = ()
    sitrep_hours: Decimal = Field(default=Decimal("24"), gt=0, le=8760)
    # The grant after the vote: the default schedule of tranches (percent:condition), a progress
    # report every REPORT_MONTHS from the start, an emergency aid's report after so many days.
    tranches: Annotated[tuple[Share, ...], NoDecode] = parse_schedule(DEFAULT_SCHEDULE)
    report_months: int = Field(default=DEFAULT_REPORT_MONTHS, ge=1, le=60)
    emergency_report_days: int = Field(default=DEFAULT_EMERGENCY_REPORT_DAYS, ge=1, le=730)

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        if not TOKEN_PATTERN.match(value.get_secret_value().strip()):
            raise ValueError("is not shaped like a token from @BotFather (digits:letters)")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("admin_ids", "escalation_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(int(part) for part in value.replace(";", ",").split(",") if part.strip())
        return value

    @field_validator("reminder_days", mode="before")
    @classmethod
    def _split_days(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(int(part) for part in value.replace(";", ",").split(",") if part.strip())
        return value

    @field_validator("reminder_days")
    @classmethod
    def _days_range(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(not 0 <= days <= 365 for days in value):
            raise ValueError("must be days between 0 and 365")
        return tuple(sorted(set(value), reverse=True))

    @field_validator("bureau_sessions", mode="before")
    @classmethod
    def _parse_sessions(cls, value: object) -> object:
        if isinstance(value, str):
            return parse_sessions(value)
        return value

    @field_validator("tranches", mode="before")
    @classmethod
    def _parse_tranches(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return parse_schedule(value)
            except ScheduleError as error:
                raise ValueError(schedule_error(error)) from None
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not WEBHOOK_SECRET_PATTERN.match(value.get_secret_value()):
            raise ValueError("must be 32 to 256 characters, only A-Z a-z 0-9 _ and -")
        return value

    @field_validator("webhook_path")
    @classmethod
    def _path_shape(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("must start with /")
        return value

    @field_validator("bot_api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @model_validator(mode="after")
    def _resolve_paths(self) -> "Settings":
        if not self.files_dir.is_absolute():
            self.files_dir = PROJECT_ROOT / self.files_dir
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{PROJECT_ROOT / 'data' / 'bot.db'}"
        if self.bot_mode == "webhook" and (not self.webhook_url or self.webhook_secret is None):
            raise ValueError("BOT_MODE=webhook needs WEBHOOK_URL and WEBHOOK_SECRET")
        if self.fund_max_share + self.city_min_share > 1:
            raise ValueError("FUND_MAX_SHARE + CITY_MIN_SHARE must not exceed 1")
        return self

    @property
    def listen_port(self) -> int:
        """The webhook server's port: `PORT` when the platform sets it."""
        return self.port or self.webhook_port

    @property
    def secrets(self) -> list[str]:
        """What logs must never show."""
        values = [self.bot_token, self.webhook_secret, self.redis_url]
        return [v.get_secret_value() for v in values if v is not None]

    @property
    def notify_language(self) -> str:
        return self.secretariat_language or self.default_language

    def chat_language(self, chat_id: int) -> str:
        """The language of what is posted in a shared chat: the staff chat's own, else the
        default (a group the bot was added to by someone)."""
        languages = {
            self.secretariat_chat_id: self.notify_language,
            self.commission_chat_id: self.commission_notify_language,
            self.presidency_chat_id: self.presidency_notify_language,
        }
        return languages.get(chat_id) or self.default_language

    @property
    def commission_notify_language(self) -> str:
        return self.commission_language or self.default_language

    @property
    def presidency_notify_language(self) -> str:
        return self.presidency_language or self.default_language

    def sessions(self, today: date) -> tuple[BureauSession, ...]:
        return self.bureau_sessions or default_sessions(today)


def schedule_error(error: ScheduleError) -> str:
    """Why `TRANCHES` is refused, in one line (English: a start-up error for whoever deploys)."""
    d = error.details
    return {
        "empty": "must list tranches as percent:condition, e.g. 50:convention,40:report,10:final",
        "too_many": f"has more than {d.get('maximum')} tranches",
        "not_a_percentage": f"has {d.get('text')!r} where a positive percentage goes",
        "unknown_condition": (
            f"has an unknown condition {d.get('condition')!r} (convention, report, reportN, final)"
        ),
        "not_100": f"percentages add up to {d.get('total')}, not 100",
    }.get(error.code, error.code)


def describe_error(error: Exception) -> str:
    """One line naming the bad settings, without echoing their values (a token is a secret)."""
    errors = getattr(error, "errors", None)
    if not callable(errors):
        return str(error)
    parts = []
    for item in errors():
        name = ".".join(str(p) for p in item.get("loc", ())).upper() or "settings"
        message = "is missing" if item.get("type") == "missing" else item.get("msg", "is invalid")
        message = message.removeprefix("Value error, ")
        parts.append(f"{name} {message}")
    return "; ".join(parts)
