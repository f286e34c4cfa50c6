"""Persistence for Fil rouge: tables, database setup, queries and migrations.

This package imports nothing of the project. The rest of the code uses it through
``storage.database`` (engines and transactions), the query modules
(``persons``, ``conversation``, ``transcript``, ``kiosk_sessions``, ``appointments``,
``reminders``, ``flags``,
``counsellors``, ``audit``), ``storage.errors`` and ``storage.migrate``.
"""
