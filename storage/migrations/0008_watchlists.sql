-- Watchlists and the alert outbox (issue 21).
--
-- An alert is written to alert_outbox in the same transaction as the clustering result that
-- caused it, then delivered by a sender that may die at any point: at-least-once, with an
-- idempotency key the receiver can use to drop repeats.

CREATE TABLE watchlists (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL UNIQUE,
    query        text NOT NULL,                   -- websearch syntax, like `stories --search`
    outlets      text[] NOT NULL DEFAULT '{}',    -- only articles of these outlets ('{}': all)
    min_outlets  integer NOT NULL DEFAULT 0 CHECK (min_outlets >= 0),  -- 0: no spread alert
    targets      text[] NOT NULL DEFAULT '{}',    -- 'webhook:URL', 'email:ADDR'
    digest_at    time,                            -- WIB time of a daily digest; NULL: none
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE alert_outbox (
    id               bigserial PRIMARY KEY,
    watchlist_id     bigint NOT NULL REFERENCES watchlists (id) ON DELETE CASCADE,
    reason           text NOT NULL CHECK (reason IN ('new', 'outlets', 'digest')),
    -- The event's first article: an event keeps it through restarts and reclusters, which
    -- renumber stories. `articles` (the event's members when it fired) catches the rest: an
    -- event sharing an article with one that already fired is the same event. A digest's key
    -- is its WIB day (days since 0001-01-01), so each day has one.
    event_key        bigint NOT NULL,
    event_id         bigint,                      -- the story/event id when it fired
    articles         bigint[] NOT NULL,
    target           text NOT NULL,               -- '' : recorded, nothing to deliver
    idempotency_key  uuid NOT NULL UNIQUE,
    payload          jsonb NOT NULL,
    status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'delivered', 'failed', 'recorded')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    UNIQUE (watchlist_id, reason, event_key, target)
);
CREATE INDEX alert_outbox_due ON alert_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX alert_outbox_articles ON alert_outbox USING gin (articles);
CREATE INDEX alert_outbox_failed ON alert_outbox (created_at DESC) WHERE status = 'failed';
