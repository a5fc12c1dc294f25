"""aiogram glue: callback data, filters, states, middlewares, languages."""
