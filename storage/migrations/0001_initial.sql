-- Outlets, articles, stories and their members, crawl runs and crawl requests.

CREATE TABLE outlets (
    key         text PRIMARY KEY,
    name        text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE crawl_runs (
    id                bigserial PRIMARY KEY,
    outlet            text NOT NULL,
    trigger           text NOT NULL CHECK (trigger IN ('schedule', 'manual', 'cli', 'demo', 'backfill')),
    started_at        timestamptz NOT NULL DEFAULT now(),
    finished_at       timestamptz,
    status            text NOT NULL DEFAULT 'running'
                      CHECK (status IN ('running', 'ok', 'partial', 'failed', 'abandoned')),
    pages_fetched     integer NOT NULL DEFAULT 0,
    articles_new      integer NOT NULL DEFAULT 0,
    articles_updated  integer NOT NULL DEFAULT 0,
    articles_skipped  integer NOT NULL DEFAULT 0,
    failures          integer NOT NULL DEFAULT 0,
    failure_reasons   jsonb NOT NULL DEFAULT '{}'::jsonb,
    error             text,
    pid               integer,
    host              text
);
CREATE INDEX crawl_runs_outlet_started ON crawl_runs (outlet, started_at DESC);
CREATE INDEX crawl_runs_running ON crawl_runs (status) WHERE status = 'running';

CREATE TABLE crawl_failures (
    id        bigserial PRIMARY KEY,
    run_id    bigint NOT NULL REFERENCES crawl_runs (id) ON DELETE CASCADE,
    url       text NOT NULL,
    reason    text NOT NULL,
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX crawl_failures_run ON crawl_failures (run_id);

CREATE TABLE articles (
    id            bigserial PRIMARY KEY,
    url           text NOT NULL UNIQUE,          -- canonical URL: the identity
    outlet        text NOT NULL,
    title         text,
    text          text NOT NULL,
    published     timestamptz,
    authors       text[] NOT NULL DEFAULT '{}',
    language      text,
    pages         integer NOT NULL DEFAULT 1,
    fetched_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    content_hash  text NOT NULL,
    fingerprint   bigint,                         -- 64-bit near-duplicate fingerprint
    run_id        bigint REFERENCES crawl_runs (id) ON DELETE SET NULL
);
CREATE INDEX articles_outlet_fetched ON articles (outlet, fetched_at DESC);
CREATE INDEX articles_published ON articles (published);
CREATE INDEX articles_content_hash ON articles (content_hash);

-- Every URL form an article was found under (feed link, ?page=all, tracking variants):
-- discovery checks here so a stored article is not fetched again.
CREATE TABLE article_urls (
    url         text PRIMARY KEY,
    article_id  bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE
);
CREATE INDEX article_urls_article ON article_urls (article_id);

CREATE TABLE stories (
    id             bigserial PRIMARY KEY,
    label          text NOT NULL UNIQUE,          -- the clusterer's story label
    title          text,
    first_seen     timestamptz,
    last_seen      timestamptz,
    article_count  integer NOT NULL DEFAULT 0,
    outlets        text[] NOT NULL DEFAULT '{}',
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stories_last_seen ON stories (last_seen DESC);

CREATE TABLE story_members (
    article_id    bigint PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    story_id      bigint NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    duplicate_of  bigint REFERENCES articles (id) ON DELETE SET NULL,
    score         real,
    added_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX story_members_story ON story_members (story_id);

CREATE TABLE crawl_requests (
    id            bigserial PRIMARY KEY,
    outlet        text NOT NULL,
    requested_at  timestamptz NOT NULL DEFAULT now(),
    requested_by  text,
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'claimed', 'done', 'failed')),
    claimed_at    timestamptz,
    run_id        bigint REFERENCES crawl_runs (id) ON DELETE SET NULL
);
-- A second request for an outlet that already has one waiting is the same request.
CREATE UNIQUE INDEX crawl_requests_one_pending ON crawl_requests (outlet) WHERE status = 'pending';

CREATE TABLE daemon_heartbeat (
    id          integer PRIMARY KEY CHECK (id = 1),
    pid         integer NOT NULL,
    host        text NOT NULL,
    started_at  timestamptz NOT NULL,
    beat_at     timestamptz NOT NULL,
    next_runs   jsonb NOT NULL DEFAULT '{}'::jsonb
);
