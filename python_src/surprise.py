"""surprise — the information in an event of probability p."""
import math


def surprise(p):
    """Return −log p, in nats (natural log).

    >>> surprise(0.5)
    0.6931471805599453
    """
    return -math.log(p)


def nats_to_bits(h):
    """Return h nats in bits: h / ln 2 (Shannon's base-2 unit).

    >>> nats_to_bits(0.6931471805599453)
    1.0
    """
    return h / math.log(2)
