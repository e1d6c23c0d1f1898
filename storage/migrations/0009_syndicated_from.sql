-- The url a syndication footer named ("Artikel ini telah tayang di <outlet> dengan judul ...
-- <url>"). The extractor cuts the footer from the stored text; this column keeps what it said,
-- so dedup can link the copy to its original by url. NULL: no footer, or one without a url.
ALTER TABLE articles ADD COLUMN syndicated_from text;
