"""Appointment reminders: the policy (when), the wording (what is said) and the .ics file."""
