"""jixiao: audits Chinese budget performance forms for internal consistency."""

__version__ = "0.1.0"
