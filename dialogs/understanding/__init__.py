"""Understanding what a person types: the safety net's words, the guides' topics,
the typed answers to a choice, and a few ordinary words (greetings, thanks).

`text` folds and splits text, `lexicon` and `phrases` match compiled phrases,
`reading` is what the engine asks, and `load` (the only module that reads files)
builds it all from `dialogs/phrases/*.yaml` and the flows' `topics:` and
`synonyms:` blocks, once, at start. See docs/understanding.md.
"""
