"""Telegram channel: aiogram 3 router, rendering of engine outputs, polling and webhook."""
