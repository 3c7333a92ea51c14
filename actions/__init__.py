"""Custom actions of Veiviser (rasa-sdk), one module per concern.

The action server imports this package (``rasa_sdk --actions actions``); every
action class is registered by being imported here.
"""
