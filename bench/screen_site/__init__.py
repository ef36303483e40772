"""The app as `bench/customer_screen.py` serves it: the real settings and pages, plus one bare
authenticated view to compare with (never mounted by the app itself)."""
