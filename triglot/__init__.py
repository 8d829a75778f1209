"""triglot: the mathematics of machine learning in Scheme, Python and Hy, proven identical."""
__version__ = "0.1.0"
