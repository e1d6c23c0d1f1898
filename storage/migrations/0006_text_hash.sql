-- An article's content_hash becomes md5 of its stored text, computed by storage itself.
-- It was dedup's cleaned-body hash: a change to dedup's rules would have made every recrawled
-- article count as "updated". The near-duplicate fingerprint column was written and never read.
UPDATE articles SET content_hash = md5(text) WHERE content_hash IS DISTINCT FROM md5(text);
ALTER TABLE articles DROP COLUMN fingerprint;
