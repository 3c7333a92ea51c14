"""Veiviser: the assistant's own code that runs inside Rasa and around it.

Sub-packages: ``language`` (which language to answer in), ``nlu`` (pipeline
components), ``nlg`` (translated responses), ``i18n`` (gettext catalogues) and
``cli`` (the ``veiviser`` command).
"""
