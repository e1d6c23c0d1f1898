"""Article extraction for Indonesian news pages: trafilatura plus Indonesian cleanup.

Importable on its own (no Scrapy, no database)::

    from kliping.crawler.extract import extract, ExtractRules
    article = extract(html, url, outlet.extract)
"""

from kliping.config.extract_rules import ExtractRules

from .cli import cli_extract
from .core import extract
from .errors import ExtractionError
from .model import Extracted
from .pages import article_url, page_links, single_page_url, stitch

__all__ = [
    "ExtractRules",
    "Extracted",
    "ExtractionError",
    "article_url",
    "cli_extract",
    "extract",
    "page_links",
    "single_page_url",
    "stitch",
]
