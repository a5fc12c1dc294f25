"""Steps of a conversation that several routers lead to (registering, the list of dossiers,
where a person is in a record, the refusal of a right, a dossier's PDF, a staff member's own
menu). Each names the use cases it needs, as a handler does, and answers through `Reply`."""
