"""The conversation engine and its flows: pure, channel-neutral, no I/O.

`dialogs` imports nothing of the project; `bot` joins it to `storage` and the
channels. See `docs/flows.md` for the flow format.
"""
