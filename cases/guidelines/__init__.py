"""Support guideline calculators: New York CSSA and California Family Code 4055.

Pure functions over dated tables (``tables.py``); the page and the API both call them.
"""

from .ca import CaGuidelineResult, ca_guideline
from .ny import NyGuidelineResult, ny_guideline

__all__ = ["CaGuidelineResult", "NyGuidelineResult", "ca_guideline", "ny_guideline"]
