"""Counsellors' console: the web back-office at `/console` (caseload, transcripts,
notes, messages, release, audit, the rights of the person).

Server-rendered pages that work without JavaScript; `static/console.js` adds the
live update of an open transcript. Mounted by the composition root
(`bot.app.create_app`) with `bot.console.routes.install`.
"""
