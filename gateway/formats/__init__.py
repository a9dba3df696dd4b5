"""How the review pages write dates and times, per language (Django's FORMAT_MODULE_PATH)."""
