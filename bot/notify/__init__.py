"""What each event tells whom: one module per family of events (`dossiers`, `emergencies`,
`people`), each a pure function from the event and its audience to `Notice` values, every notice
written in its reader's language (`Voice`). The use cases write them to the outbox
(`storage.outbox.post`) in their own transaction."""
