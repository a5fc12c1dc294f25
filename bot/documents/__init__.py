"""Documents made from domain values: the dossier as a PDF (and, later, agendas)."""
