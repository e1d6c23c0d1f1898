-- The stable read interface (README "Reading stories with SQL"), and full-text search.
--
-- Search uses the 'simple' configuration: PostgreSQL ships no Indonesian dictionary or
-- stemmer, and a foreign one (english) would stem Indonesian words wrongly. 'simple' lower-
-- cases and splits words, so "gempa Mamuju" finds both words whatever their case; Indonesian
-- affixes are not stripped, so search for the form used in news ("gempa", not "menggempa").

ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('simple', coalesce(text, '')), 'B')
) STORED;
CREATE INDEX articles_search ON articles USING gin (search);

CREATE VIEW story_overview AS
SELECT s.id            AS story_id,
       s.title,
       s.first_seen,
       s.last_seen,
       s.article_count,
       cardinality(s.outlets) AS outlet_count,
       s.outlets
FROM stories s
WHERE s.article_count > 0;

CREATE VIEW story_articles AS
SELECT m.story_id,
       a.id            AS article_id,
       a.outlet,
       a.title,
       a.url,
       a.published,
       a.fetched_at,
       m.duplicate_of
FROM story_members m
JOIN articles a ON a.id = m.article_id;
