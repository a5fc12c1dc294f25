"""In-process benchmark: updates fed to `Dispatcher.feed_update` with a fake Bot API session.

`python -m bench` compares a bare echo handler with one dossier answer step of the real bot
(validate + store + next question) on SQLite; the goal is at most 3× the echo's cost.
"""
