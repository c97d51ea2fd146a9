# The double (main.py) answers for these models.
