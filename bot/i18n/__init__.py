"""gettext catalogues for the responses and phrases: extraction for pybabel, lookup at run time."""
from bot.i18n.catalogs import Lookup, lookup
from bot.i18n.phrases import phrase

__all__ = ["Lookup", "lookup", "phrase"]
