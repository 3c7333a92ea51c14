"""Text as the whole product reads it: folding, names of languages and countries, place words.

Pure Python (Babel at most): the NLU components, the help directory, the
actions and both gateways import it, so none of them needs another's package
for it — the help directory in particular never imports ``bot.nlu``.
``folding`` (case, diacritics and scripts folded alike; the Thai word
segmentation the classifier uses), ``names`` (names of languages and countries
in every language, precomputed from Babel into ``names.json``) and
``place_words`` (the words that put a place after them, and the key a place
name is looked up by).
"""
