"""gettext catalogues for the responses: extraction for pybabel, lookup at run time."""
from bot.i18n.catalogs import LOCALES_DIR, Lookup, lookup

__all__ = ["LOCALES_DIR", "Lookup", "lookup"]
