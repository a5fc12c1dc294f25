"""What the bot shows: texts and keyboards built from the domain, in the current language."""
