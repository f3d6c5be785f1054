"""Demo data for `make run`: sandbox bots with galleries, corpora, schedules and listeners,
loaded by `manage.py load_demo`. It is the composition root's: it touches every app."""
