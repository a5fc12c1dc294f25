"""The catalogs' sources, packaged as `bot.locales`; compiled at start by bot.telegram.i18n."""
