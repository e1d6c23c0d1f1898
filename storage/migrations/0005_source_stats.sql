-- Per crawl run and discovery source (feed, sitemap, section page, archive): how many entries it
-- listed and how many the registry took as the outlet's articles. A source whose accepted share
-- collapses, or that stops giving articles, has changed its URL shapes under the registry (in
-- 2025-26 Tempo and Tribunnews went to 0 articles within a year and nothing said so).
-- Written by storage/sources.py; judged by crawler/drift.py.
CREATE TABLE source_stats (
    run_id           bigint  NOT NULL REFERENCES crawl_runs (id) ON DELETE CASCADE,
    source           text    NOT NULL,            -- the source URL as in the registry
    kind             text    NOT NULL CHECK (kind IN ('feed', 'sitemap', 'section', 'archive')),
    entries          integer NOT NULL DEFAULT 0 CHECK (entries >= 0),
    accepted         integer NOT NULL DEFAULT 0 CHECK (accepted >= 0 AND accepted <= entries),
    rejected_sample  text[]  NOT NULL DEFAULT '{}', -- a few URLs it listed that were not taken
    PRIMARY KEY (run_id, source)
);
