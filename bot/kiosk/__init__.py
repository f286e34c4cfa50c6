"""Kiosk channel: the touch-screen web pages used inside the facility (FastAPI + Jinja2)."""
