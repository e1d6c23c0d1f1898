-- Full-text search through the read interface: story_articles gains the articles' search
-- vector, so `kliping stories --search` (and an analyst's SQL) works as the read-only role,
-- which may read only the views. A view can gain columns at its end without being dropped.

CREATE OR REPLACE VIEW story_articles AS
SELECT m.story_id,
       a.id            AS article_id,
       a.outlet,
       a.title,
       a.url,
       a.published,
       a.fetched_at,
       m.duplicate_of,
       a.search
FROM story_members m
JOIN articles a ON a.id = m.article_id;
