"""Background jobs: outbox delivery, housekeeping."""
