"""Appointment reminders: the policy (when), the wording (what is said), the .ics file,
the rows an appointment plans (`planning`), what a due one does at fire time (`fire`),
its card told through the delivery port (`cards`), and the worker (`worker`).
See docs/reminders.md."""
