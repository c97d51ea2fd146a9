# The double (main.py) answers for this datasource.
