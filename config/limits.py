"""Every fixed limit of fetching, extraction and crawl processes, once, with the reason for its
number.

Knobs an operator may change (the per-page download timeout, the page size cap, the User-Agent)
are in Settings (config/settings.py); the limits here are fixed, and several of them are
expressed in those knobs. The crawler (Scrapy), ``kliping extract URL`` and
``kliping outlets check --live`` read them from here, so the three cannot drift apart.
"""

from __future__ import annotations

# --- Pages of one article -----------------------------------------------------------------------
# The most pages fetched for one article (the spider and ``kliping extract``). Indonesian outlets
# split a long article over 2-5 pages (Tribun, Liputan6, Tempo); one split over more than 20 is a
# pager loop, not an article.
MAX_ARTICLE_PAGES = 20
# The highest page number a pager link may name ("?page=37") before it is taken for a loop or a
# listing's pager; above MAX_ARTICLE_PAGES because a windowed pager names far pages ("1 2 ... 9")
# that are fetched only while the article stays under MAX_ARTICLE_PAGES.
MAX_PAGE_NUMBER = 50
# Dated index pages walked per day in a backfill: a day's index longer than this (50 pages of
# 20-40 links: 1,000-2,000 articles, more than any outlet publishes a day) is walked no further.
MAX_ARCHIVE_PAGES = 50

# --- Time ---------------------------------------------------------------------------------------
# Outside Scrapy (``kliping extract URL``, the live probe) each connect and each read may take
# Settings.download_timeout (KLIPING_DOWNLOAD_TIMEOUT, 30 s by default), as in the crawl; one
# whole fetch (all redirects, or an article with all its pages) gets this many times it, so a
# server that drips one byte at a time cannot hold a command longer (60 s by default).
DEADLINE_TIMEOUTS = 2
# Redirects followed for one URL, in the crawl (Scrapy's REDIRECT_MAX_TIMES) and outside it:
# outlets redirect at most twice (http -> https -> www.); more is a loop.
MAX_REDIRECTS = 5

# --- Crawl processes ---------------------------------------------------------------------------
# A crawl (one child process per outlet) still running after this long is stopped and recorded
# as failed: the daemon's --crawl-timeout default and the worker's job limit. Half an hour holds
# a first crawl of a large outlet (hundreds of articles, one request a second by default); one
# that runs longer is hung, not slow.
CRAWL_TIMEOUT_SECONDS = 1800.0
# A stopped crawl's time to finish the page it is on and record its run before it is killed
# (the daemon and the worker); so the daemon stops within about 20 s (README: "Running as a
# service").
STOP_GRACE_SECONDS = 20.0

# --- How much text is a body ----------------------------------------------------------------
# Two different questions, two names.
# The extractor: below one short sentence what is left is a menu item or a widget label
# ("Home"), not a body; such a page is an extraction failure.
MIN_EXTRACTED_CHARS, MIN_EXTRACTED_WORDS = 25, 4
# The live probe: the shortest real news item (a photo caption story) is longer than 300
# characters, so a probed article shorter than that means the outlet's extraction has broken.
MIN_PROBED_BODY_CHARS = 300
