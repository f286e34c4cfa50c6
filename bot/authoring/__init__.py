"""Tools for the people who write and run Fil rouge, not for the conversation:
the flows catalogue and its diagrams, the release sheet, the services importer.

Only the command line uses them; nothing of a turn does.
"""
