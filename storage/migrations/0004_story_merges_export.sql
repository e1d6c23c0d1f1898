-- Where a story went when the clusterer joined it into another (an article bridged them):
-- `kliping story ID` of a merged-away story names the story that absorbed it.

CREATE TABLE story_merges (
    story_id   bigint PRIMARY KEY,              -- the absorbed story (its row is deleted)
    into_id    bigint NOT NULL,                 -- the surviving story, at merge time
    merged_at  timestamptz NOT NULL DEFAULT now()
);

-- `kliping export` (and a read-only analyst) gets the articles' authors and text through
-- the read interface; a view gains columns at its end without being dropped.
CREATE OR REPLACE VIEW story_articles AS
SELECT m.story_id,
       a.id            AS article_id,
       a.outlet,
       a.title,
       a.url,
       a.published,
       a.fetched_at,
       m.duplicate_of,
       a.search,
       a.authors,
       a.text
FROM story_members m
JOIN articles a ON a.id = m.article_id;
