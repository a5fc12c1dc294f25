"""What the tests and the benchmarks share: the strict Bot API stand-in (`standin/`), the bot
under test (`harness`), users that walk through it (`driver`), made-up dossiers and facts
(`factories`, `seeds`, `agenda_facts`, `grant_facts`), databases (`backends`, `databases`) and
kits for the outbox, PDFs and `python -m bot` processes. The tests live in `tests/` by kind and
`bench/` beside it; neither imports the other (import-linter's contract in pyproject.toml)."""
