"""The mdwx command: a thin shell over the library (parse, call, print)."""
