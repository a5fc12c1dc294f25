"""Why an answer was refused, said in the person's language with what is expected instead."""

from datetime import date

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from bot.domain.city_rows import RowRefused
from bot.domain.dates import format_long
from bot.domain.forms import MAX_FILES
from bot.domain.invites import InviteRefused
from bot.domain.numbers import format_number
from bot.domain.people import StaffRefused, VerificationRefused
from bot.domain.refusals import Refused
from bot.screens.common import locale
from bot.screens.home import no_longer_possible
from bot.screens.projects import no_project
from bot.screens.registrations import already_decided, changed_city
from bot.screens.team import invite_refusal, staff_refusal


def refused_text(error: Refused) -> str:
    """What a use case's refusal tells the presser (said by bot/telegram/refusals.py): a move
    someone else took first, or not theirs (bot/domain/machine.py `StatusRefused`), the right
    to act; the refusals of a family by their own words (staff, invites, registrations); a
    button or a record that is no longer there; any other code as an answer's refusal."""
    if isinstance(error, StaffRefused):
        return staff_refusal(error)
    if isinstance(error, InviteRefused | RowRefused) and error.code == "unknown_city":
        return _gone()["button"]  # the city a button names has left the member list
    if isinstance(error, InviteRefused):
        return invite_refusal(error)
    if isinstance(error, VerificationRefused):
        return verification_refusal(error)
    code, d = error.code, error.details
    if code == "moved":
        return no_longer_possible(d.get("reference"), _(d["label"]) if d.get("label") else "—")
    if code == "stale":
        return _(
            "This is no longer possible: {reference} is now “{status}”. Nothing was recorded "
            "or sent."
        ).format(
            reference=d.get("reference") or "—", status=_(d["label"]) if d.get("label") else "—"
        )
    if code == "unavailable":
        return _("This change is no longer possible: the dossier has moved on.")
    if code == "not_yours":
        return _("Sorry, this is not yours to do.")
    if code == "not_allowed":
        return not_allowed_text()
    gone = _gone().get(code)
    return gone if gone is not None else refusal(error)


def _gone() -> dict[str, str]:
    """What a button or a typed answer is about and is no longer there (or never was: a
    forged button), or not for this person (bot/domain/refusals.py `Gone`)."""
    return {
        "button": _("This button is no longer valid."),
        "bureau_session": _("This Bureau session no longer exists."),
        "unregistered": _("Register first with /start."),
        "emergency": _("This emergency is not available to you."),
        "emergency_reference": _("No emergency you may see has this reference."),
        "dossier": _("This dossier is not available to you."),
        "project": no_project(),
    }


def verification_refusal(problem: VerificationRefused) -> str:
    """Why a decision on a registration was not taken."""
    if problem.code == "decided":
        return already_decided(problem.details["registration"])
    if problem.code == "changed":
        return changed_city()
    return _("This registration no longer exists.")


def not_allowed_text() -> str:
    return _("Sorry, this is reserved for the Permanent Secretariat's staff with that right.")


def refusal(error: Refused) -> str:
    d = error.details
    code = error.code
    if code == "too_short":
        return ngettext(
            "This answer is too short: at least {minimum} character, please.",
            "This answer is too short: at least {minimum} characters, please.",
            d["minimum"],
        ).format(minimum=d["minimum"])
    if code == "too_long":
        return ngettext(
            "This answer is too long ({length} character); at most {maximum}, please.",
            "This answer is too long ({length} characters); at most {maximum}, please.",
            d["length"],
        ).format(
            length=format_number(d["length"], locale()),
            maximum=format_number(d["maximum"], locale()),
        )
    if code == "date_range":
        return _("The date must be between {earliest} and {latest}.").format(
            earliest=_long(d["earliest"]), latest=_long(d["latest"])
        )
    if code == "number_too_many_decimals":
        return ngettext(
            "Too many decimals: at most {places} decimal for this currency.",
            "Too many decimals: at most {places} decimals for this currency.",
            d["places"],
        ).format(places=d["places"])
    if code == "number_currency":
        return _("{currency} is not possible here. The currency must be one of: {allowed}.").format(
            currency=d["currency"], allowed=d["allowed"]
        )
    if code in ("number_no_currency", "number_currency_unclear"):
        return _(
            "Which currency? Write the amount with one currency code, for example "
            "“30 000 EUR”. Possible here: {allowed}."
        ).format(allowed=d["allowed"])
    if code == "file_count":
        return ngettext(
            "This question already has {count} file. Remove it to add another.",
            "This question already has {count} files. Remove one to add another.",
            MAX_FILES,
        ).format(count=MAX_FILES)
    if code == "multi_max":
        return ngettext(
            "At most {count} choice: take it away to choose another.",
            "At most {count} choices: take one away to choose another.",
            d["maximum"],
        ).format(count=d["maximum"])
    if code == "multi_min":
        return ngettext(
            "Choose at least {count}, then “Done”.",
            "Choose at least {count}, then “Done”.",
            d["minimum"],
        ).format(count=d["minimum"])
    if code == "list_full":
        return ngettext(
            "This list is full ({count} entry).",
            "This list is full ({count} entries).",
            d["count"],
        ).format(count=d["count"])
    if code == "file_content":
        return _(
            "This file is not a real {type} file: its content does not match its name. Open it, "
            "save or export it again as {type}, and send it again."
        ).format(type=d.get("type", "?"))
    if code == "number_out_of_range":
        return _("Expected a whole number from {minimum} to {maximum}.").format(
            minimum=format_number(d["minimum"], locale()),
            maximum=format_number(d["maximum"], locale()),
        )
    return _simple().get(code, _("This answer could not be used. Please try again."))


def _long(value: date) -> str:
    return format_long(value, locale())


def _simple() -> dict[str, str]:
    return {
        "use_buttons": _("Please choose with the buttons below the question."),
        "location": _("Please share a location (📎 → Location), or press “Skip”."),
        "file_expected": _("Please send a file (PDF, DOCX, XLSX, ODT, JPG or PNG)."),
        "email": _("This is not an email address. Expected something like name@city.org."),
        "phone": _(
            "This is not a valid phone number. Type it as you would dial it, "
            "e.g. +221 77 123 45 67."
        ),
        "country": _("I do not know this country. Type its name, e.g. Sénégal, Lebanon, Haïti."),
        "date": _("This is not a date. Expected day, month and year, e.g. 15/03/2027."),
        "number_empty": _("Please type a number."),
        "number_not_a_number": _(
            "This is not a number. Expected digits, e.g. 1 250 000 or 1 250 000,50."
        ),
        "number_negative": _("The amount cannot be negative."),
        "number_zero": _("The amount must be greater than zero."),
        "number_too_large": _("This amount is far too large. Please check it."),
        "number_not_whole": _("Expected a whole number, without decimals."),
        "number_no_purpose": _("After the amount and its currency, say what the aid is for."),
        "file_type": _(
            "This type of file is not accepted. Send a PDF, DOCX, XLSX, ODT, JPG or PNG file."
        ),
        "file_size": _("This file is too large: at most 20 MB. Send a smaller or compressed file."),
        "file_failed": _("The file could not be received. Please send it again."),
        "letters_done": _("Every confirmed partner already has a letter."),
        "file_empty": _("This file is empty (0 bytes). Please send the document itself."),
        "text_expected": _("Please answer with a text message."),
        "own_contact": _("Please share your own contact, or type the number."),
        "not_expecting_file": _("I am not expecting a file at this question."),
        "not_here": _("This button does nothing at this question."),
    }
