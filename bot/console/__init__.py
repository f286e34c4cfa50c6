"""Counsellors' console: the web back-office (caseload, transcripts, appointments, audit)."""
