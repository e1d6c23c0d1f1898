-- Events inside stories (issue 14): an event is the articles that report one happening; a story
-- links events over days. Every member has one event, every event lies in one story (the story
-- of its members: events name no story themselves, so a story merge moves nothing here).
--
-- Existing memberships get one event per story (same label, so the story's articles stay
-- together); `kliping db recluster --since D` splits them into real events.

CREATE TABLE events (
    id             bigserial PRIMARY KEY,
    label          text NOT NULL UNIQUE,          -- the clusterer's event label
    title          text,
    first_seen     timestamptz,
    last_seen      timestamptz,
    article_count  integer NOT NULL DEFAULT 0,
    outlets        text[] NOT NULL DEFAULT '{}',
    updated_at     timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE story_members ADD COLUMN event_id bigint REFERENCES events (id) ON DELETE SET NULL;
CREATE INDEX story_members_event ON story_members (event_id);

INSERT INTO events (label, title, first_seen, last_seen, article_count, outlets)
SELECT s.label, s.title, s.first_seen, s.last_seen, s.article_count, s.outlets
FROM stories s
WHERE EXISTS (SELECT 1 FROM story_members m WHERE m.story_id = s.id);

UPDATE story_members m SET event_id = e.id
FROM stories s JOIN events e ON e.label = s.label
WHERE s.id = m.story_id;

-- Views can gain columns at their end without being dropped (the read-only role keeps its
-- grants on them).
CREATE OR REPLACE VIEW story_overview AS
SELECT s.id            AS story_id,
       s.title,
       s.first_seen,
       s.last_seen,
       s.article_count,
       cardinality(s.outlets) AS outlet_count,
       s.outlets,
       (SELECT count(DISTINCT m.event_id) FROM story_members m WHERE m.story_id = s.id)::integer
                       AS event_count
FROM stories s
WHERE s.article_count > 0;

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
       a.text,
       m.event_id
FROM story_members m
JOIN articles a ON a.id = m.article_id;

CREATE VIEW story_events AS
SELECT DISTINCT m.story_id,
       e.id            AS event_id,
       e.title,
       e.first_seen,
       e.last_seen,
       e.article_count,
       cardinality(e.outlets) AS outlet_count,
       e.outlets
FROM story_members m
JOIN events e ON e.id = m.event_id;
