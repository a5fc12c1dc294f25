"""What Prometheus reads at /metrics (prometheus-client, its default registry).

Counters and the histogram are incremented where things happen (the update middleware, the outbox
worker, the emergency code: `ESCALATIONS.inc()` when an escalation timer fires); the gauges are
read from the database at each scrape (`bot.web`). Labels are kinds and outcomes only: no chat,
no person, no text, no token.
"""

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

UPDATES = Counter(
    "bot_updates_total",
    "Updates received, by kind (message, callback_query, ...) and outcome "
    "(handled, unhandled, duplicate, error).",
    ["kind", "outcome"],
)
HANDLING = Histogram(
    "bot_update_handling_seconds",
    "Time from an update's arrival in the dispatcher to the end of its transaction.",
    ["kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
DELIVERIES = Counter(
    "bot_outbox_deliveries_total",
    "Outbox requests to Telegram by result (sent, 429, 5xx, network, 403, failed).",
    ["result"],
)
ESCALATIONS = Counter(
    "bot_emergency_escalations_total", "Emergency alerts escalated because nobody acknowledged."
)
OUTBOX_DEPTH = Gauge("bot_outbox_pending", "Outbox messages not yet delivered (waiting or leased).")
OUTBOX_OLDEST = Gauge(
    "bot_outbox_oldest_undelivered_seconds",
    "Age of the oldest undelivered outbox message (0 when none).",
)
OPEN_EMERGENCIES = Gauge("bot_emergencies_open", "Emergencies sent and not closed.")


def exposition() -> tuple[bytes, str]:
    """The text format and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST
