"""Who may do what (DOMAIN.md §3). Checked on the server for every action, whatever a button's
payload claims: callback data is client-controlled."""

from enum import StrEnum

from bot.domain.forms import N_


class Role(StrEnum):
    APPLICANT = "applicant"  # an official of a member city
    SECRETARIAT = "secretariat"  # the Permanent Secretariat
    COMMISSION = "commission"  # the Humanitarian Aid commission
    PRESIDENCY = "presidency"  # decides emergency aid
    ADMIN = "admin"  # the Secretariat's rights, and managing people


ROLE_LABELS = {
    Role.APPLICANT: N_("City official"),
    Role.SECRETARIAT: N_("Permanent Secretariat"),
    Role.COMMISSION: N_("Humanitarian Aid commission"),
    Role.PRESIDENCY: N_("Presidency"),
    Role.ADMIN: N_("Administrator"),
}


class Action(StrEnum):
    REVIEW_DOSSIERS = "review_dossiers"  # queue, any dossier, status changes, messages to cities
    MANAGE_CITIES = "manage_cities"  # the member cities list
    IMPORT_CITIES = "import_cities"  # load the member list from a CSV file (admins)
    VERIFY_PEOPLE = "verify_people"  # accept or refuse a registration
    MANAGE_STAFF = "manage_staff"  # grant and revoke roles, invite links
    SEE_OUTBOX = "see_outbox"  # what the bot could not deliver, and retrying it
    ACKNOWLEDGE_EMERGENCY = "acknowledge_emergency"
    PROPOSE_EMERGENCY_AID = "propose_emergency_aid"
    DECIDE_EMERGENCY_AID = "decide_emergency_aid"  # the Presidency's alone


SECRETARIAT_ACTIONS = frozenset(
    {
        Action.REVIEW_DOSSIERS,
        Action.MANAGE_CITIES,
        Action.VERIFY_PEOPLE,
        Action.ACKNOWLEDGE_EMERGENCY,
        Action.PROPOSE_EMERGENCY_AID,
    }
)
RIGHTS: dict[Role, frozenset[Action]] = {
    Role.APPLICANT: frozenset(),
    Role.SECRETARIAT: SECRETARIAT_ACTIONS,
    Role.COMMISSION: frozenset({Action.ACKNOWLEDGE_EMERGENCY, Action.PROPOSE_EMERGENCY_AID}),
    Role.PRESIDENCY: frozenset({Action.DECIDE_EMERGENCY_AID}),
    Role.ADMIN: SECRETARIAT_ACTIONS
    | {Action.MANAGE_STAFF, Action.SEE_OUTBOX, Action.IMPORT_CITIES},
}
STAFF = frozenset({Role.SECRETARIAT, Role.COMMISSION, Role.PRESIDENCY, Role.ADMIN})


# Each staff command and the rights any one of which lets someone use it: a staff member's own
# menu and /help list those their role allows.
STAFF_COMMANDS: dict[str, frozenset[Action]] = {
    "queue": frozenset({Action.REVIEW_DOSSIERS}),
    "dossier": frozenset({Action.REVIEW_DOSSIERS}),
    "emergencies": frozenset(
        {
            Action.ACKNOWLEDGE_EMERGENCY,
            Action.PROPOSE_EMERGENCY_AID,
            Action.DECIDE_EMERGENCY_AID,
        }
    ),
    "sessions": frozenset({Action.REVIEW_DOSSIERS}),
    "agenda": frozenset({Action.REVIEW_DOSSIERS}),
    "export": frozenset({Action.REVIEW_DOSSIERS}),
    "stats": frozenset({Action.REVIEW_DOSSIERS}),
    "cities": frozenset({Action.MANAGE_CITIES}),
    "registrations": frozenset({Action.VERIFY_PEOPLE}),
    "staff": frozenset({Action.MANAGE_STAFF}),
    "outbox": frozenset({Action.SEE_OUTBOX}),
}


def tools(role: str | None) -> tuple[str, ...]:
    """The staff commands someone with `role` may use, in the menu's order (none: a city's)."""
    return tuple(c for c, rights in STAFF_COMMANDS.items() if any(may(role, a) for a in rights))


def may(role: str | None, action: Action) -> bool:
    """Whether someone with `role` may take `action` (an unknown role may do nothing)."""
    try:
        return action in RIGHTS[Role(role or Role.APPLICANT)]
    except ValueError:
        return False


def is_staff(role: str | None) -> bool:
    return role in STAFF


def effective_role(stored: str | None, telegram_id: int, admin_ids: tuple[int, ...]) -> Role:
    """ADMIN_IDS are admins whatever is stored (the first admins, before anyone granted a role)."""
    if telegram_id in admin_ids:
        return Role.ADMIN
    try:
        return Role(stored or Role.APPLICANT)
    except ValueError:
        return Role.APPLICANT
