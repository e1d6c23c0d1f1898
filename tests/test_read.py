"""Reading the stories: ``kliping stories``, ``story``, ``export`` and the SQL views.

One real crawl of the sample site (all its outlets, clustered at the end) fills a database that
every test of this module reads; the seeds' test uses a fresh database of its own.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from psycopg import errors

from kliping.dedup.store import cluster_pending
from kliping.sample_site.server import SampleSite
from tests.fix_db import _fresh_database, readme_reader
from tests.fix_site import Kliping, kliping_env
from tests.fix_web import store

WIB = ZoneInfo("Asia/Jakarta")
README = Path(__file__).resolve().parents[1] / "README.md"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
STORY_KEYS = {"id", "title", "size", "event_count", "outlets", "first_seen", "last_seen"}
ARTICLE_KEYS = {"id", "event_id", "outlet", "title", "url", "published", "duplicate_of"}
ALL = ("--limit", "1000")  # more than the sample site's stories: no listing is cut short


@dataclass(frozen=True)
class Crawled:
    url: str
    kliping: Kliping
    site: SampleSite
    outputs: dict[tuple[str, ...], str] = field(default_factory=dict)

    def run(self, *args: str) -> str:
        """stdout of a successful `kliping ARGS`; the data does not change, so each runs once."""
        if args not in self.outputs:
            done = self.kliping.run(*args)
            assert done.returncode == 0, done.stderr[-3000:]
            self.outputs[args] = done.stdout
        return self.outputs[args]

    def json_lines(self, *args: str) -> list[dict]:
        return [json.loads(line) for line in self.run(*args).splitlines()]

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.url) as conn:
            return conn.execute(query, params).fetchall()

    def story_of(self, record_id: str) -> int:
        """The stored story holding the sample article ``record_id``."""
        article = next(a for a in self.site.corpus if a.record["id"] == record_id)
        rows = self.sql(
            "SELECT story_id FROM story_articles WHERE url = %s", (self.site.url(article),)
        )
        assert len(rows) == 1, record_id
        return rows[0][0]


@pytest.fixture(scope="module")
def crawled(
    pg_server: str, pg_template: str, site: SampleSite, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Crawled]:
    """A database filled by one `kliping crawl` of every sample outlet (it clusters at the end)."""
    with contextmanager(_fresh_database)(pg_server, pg_template) as url:
        folder = tmp_path_factory.mktemp("read")
        registry = folder / "outlets.toml"
        registry.write_text(site.registry_text())
        kliping = Kliping(kliping_env(url, registry, folder / "home"))
        done = kliping.run("crawl")
        assert done.returncode == 0, done.stderr[-3000:]
        yield Crawled(url, kliping, site)


def _ids(table: str) -> list[int]:
    """Story ids of a `kliping stories` table, in printed order."""
    lines = table.splitlines()
    assert lines[0].split()[:4] == ["id", "size", "events", "last"], lines[0]
    return [int(line.split()[0]) for line in lines[1:]]


def _when(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.utcoffset() is not None, value  # ISO 8601 with its offset
    return parsed


# --- kliping stories --------------------------------------------------------------------------


def test_stories_table_lists_every_story_newest_first(crawled: Crawled) -> None:
    table = crawled.run("stories", *ALL)
    expected = crawled.sql(
        "SELECT story_id, last_seen FROM story_overview ORDER BY last_seen DESC, story_id DESC"
    )
    assert _ids(table) == [r[0] for r in expected]
    assert len(expected) >= 15  # the sample site has ~20 stories: the crawl really filled it
    lasts = [r[1] for r in expected]
    assert lasts == sorted(lasts, reverse=True)
    # Last seen is printed in WIB: BI-rate's last article is tribunjabar's 20:35 +07:00 copy.
    bi = crawled.story_of("a-birate-cnnindonesia")
    row = next(line for line in table.splitlines()[1:] if int(line.split()[0]) == bi)
    assert "19 Mar 2025 20:35 WIB" in row and "5h43m" in row  # span 14:52 -> 20:35
    assert "BI Tahan Suku Bunga" in row


def test_limit_cuts_the_list_and_says_so(crawled: Crawled) -> None:
    every = _ids(crawled.run("stories", *ALL))
    cut = crawled.kliping.run("stories", "--limit", "3")
    assert cut.returncode == 0 and _ids(cut.stdout) == every[:3]
    assert "the newest 3 stories shown" in cut.stderr
    whole = crawled.kliping.run("stories", "--limit", "0")
    assert _ids(whole.stdout) == every and "shown" not in whole.stderr


def test_stories_json_lines(crawled: Crawled) -> None:
    found = crawled.json_lines("stories", "--json", *ALL)
    members = crawled.sql("SELECT story_id, outlet FROM story_articles")
    assert found and all(set(s) == STORY_KEYS for s in found)
    for s in found:
        outlets = [o for sid, o in members if sid == s["id"]]
        assert s["size"] == len(outlets)
        assert s["outlets"] == sorted(set(outlets))
        assert _when(s["first_seen"]) <= _when(s["last_seen"])
        assert isinstance(s["title"], str) and s["title"]
    lasts = [_when(s["last_seen"]) for s in found]
    assert lasts == sorted(lasts, reverse=True)


def test_min_size_excludes_singletons(crawled: Crawled) -> None:
    everything = crawled.json_lines("stories", "--json", *ALL)
    assert any(s["size"] == 1 for s in everything)
    found = crawled.json_lines("stories", "--json", "--min-size", "2", *ALL)
    assert [s["id"] for s in found] == [s["id"] for s in everything if s["size"] >= 2]
    assert crawled.story_of("a-resepbandeng-kompas") not in {s["id"] for s in found}


def test_outlet_keeps_stories_with_an_article_from_it(crawled: Crawled) -> None:
    found = crawled.json_lines("stories", "--json", "--outlet", "tempo", *ALL)
    with_tempo = {
        r[0] for r in crawled.sql("SELECT story_id FROM story_articles WHERE outlet = 'tempo'")
    }
    assert {s["id"] for s in found} == with_tempo
    assert crawled.story_of("b-cipali-tempo") in with_tempo
    assert all("tempo" in s["outlets"] for s in found)


def test_search_finds_the_earthquakes_not_the_bi_rate(crawled: Crawled) -> None:
    quakes = {crawled.story_of("a-gempamamuju-detik"), crawled.story_of("a-gempamajene-kompas")}
    bi_rate = crawled.story_of("a-birate-cnnindonesia")
    found = {s["id"] for s in crawled.json_lines("stories", "--json", "--search", "gempa", *ALL)}
    assert quakes <= found
    assert bi_rate not in found
    # 'simple' configuration: case does not matter, every word must match, phrases work.
    assert quakes <= {
        s["id"] for s in crawled.json_lines("stories", "--json", "--search", "GEMPA Mamuju")
    }
    rate = crawled.json_lines("stories", "--json", "--search", '"suku bunga" acuan', *ALL)
    assert bi_rate in {s["id"] for s in rate} and not quakes & {s["id"] for s in rate}
    assert "no stories" in crawled.run("stories", "--search", "zzzxqj")


def test_since_keeps_stories_seen_from_that_wib_day(crawled: Crawled) -> None:
    everything = crawled.json_lines("stories", "--json", *ALL)
    found = {
        s["id"] for s in crawled.json_lines("stories", "--json", "--since", "2025-07-15", *ALL)
    }
    since = date(2025, 7, 15)
    expected = {
        s["id"] for s in everything if _when(s["last_seen"]).astimezone(WIB).date() >= since
    }
    assert found == expected
    assert 0 < len(found) < len(everything)


def test_bad_since_is_a_clear_error(crawled: Crawled) -> None:
    done = crawled.kliping.run("stories", "--since", "15-07-2025")
    assert done.returncode == 2  # a usage error, found by argparse before any database work
    assert "YYYY-MM-DD" in done.stderr and "Traceback" not in done.stderr


# --- kliping story ID -------------------------------------------------------------------------

_EVENT = re.compile(r"^  event (\d+): .* \((\d+) articles, .*\)$")
_ROW = re.compile(r"^    (\d\d \w{3} \d{4} \d\d:\d\d WIB) +(\S+) +(.+)$")
_URL = re.compile(r"^ {20,}(http\S+)$")
_COPY = re.compile(r"^      └ copy (\d\d \w{3} \d{4} \d\d:\d\d WIB) +(\S+) +(http\S+)$")


def _wib(when: datetime) -> str:
    return when.astimezone(WIB).strftime("%d %b %Y %H:%M WIB")


def _members(crawled: Crawled, story_id: int) -> list[tuple]:
    return crawled.sql(
        "SELECT article_id, outlet, title, url, published, duplicate_of FROM story_articles"
        " WHERE story_id = %s ORDER BY published, article_id",
        (story_id,),
    )


@pytest.mark.parametrize("record_id", ["a-birate-cnnindonesia", "a-banjirbima-detik"])
def test_story_lists_articles_in_time_order_with_copies_folded(
    crawled: Crawled, record_id: str
) -> None:
    story_id = crawled.story_of(record_id)
    members = _members(crawled, story_id)
    text = crawled.run("story", str(story_id)).splitlines()
    assert text[0].startswith(f"story {story_id}: ")
    assert text[1].startswith(f"{len(members)} articles in ")
    # Walk the listing: an event header, then per article a row, its url row and its copies.
    shown: list[tuple[str, str, str, str, str | None]] = []  # (time, outlet, title, url, copy of)
    groups: list[int] = []  # index in shown where each event starts
    lines = iter(text[2:])
    for line in lines:
        if not line:
            continue
        if _EVENT.match(line):
            groups.append(len(shown))
        elif m := _ROW.match(line):
            url = _URL.match(next(lines))
            assert url, line
            shown.append((m[1], m[2], m[3], url[1], None))
        elif m := _COPY.match(line):
            assert shown, line
            original = next(s for s in reversed(shown) if s[4] is None)
            shown.append((m[1], m[2], "", m[3], original[3]))
        else:
            raise AssertionError(f"unexpected line {line!r}")
    by_url = {m[3]: m for m in members}
    by_id = {m[0]: m for m in members}
    assert sorted(s[3] for s in shown) == sorted(by_url)  # every article, once
    for when, outlet, title, url, copy_of in shown:
        _, want_outlet, want_title, _, published, duplicate_of = by_url[url]
        assert (when, outlet) == (_wib(published), want_outlet)
        if copy_of is None:
            assert title == want_title
            assert duplicate_of is None or duplicate_of not in by_id
        else:
            assert by_id[duplicate_of][3] == copy_of
    # Events in time order (by their first article), articles in time order within each.
    assert groups and groups[0] == 0
    firsts = []
    for start, end in zip(groups, [*groups[1:], len(shown)], strict=True):
        times = [by_url[s[3]][4] for s in shown[start:end] if s[4] is None]
        assert times == sorted(times)
        firsts.append(times[0])
    assert firsts == sorted(firsts)


def test_story_prints_times_in_wib(crawled: Crawled) -> None:
    # POS-KUPANG prints WITA (UTC+8): 14:20 WITA is 13:20 WIB.
    story_id = crawled.story_of("a-banjirbima-poskupang")
    lines = crawled.run("story", str(story_id)).splitlines()
    assert any(line.startswith("    23 Feb 2025 13:20 WIB poskupang ") for line in lines)
    assert any(line.startswith("  event ") for line in lines)


def test_story_json(crawled: Crawled) -> None:
    story_id = crawled.story_of("a-birate-cnnindonesia")
    found = json.loads(crawled.run("story", str(story_id), "--json"))
    assert set(found) == STORY_KEYS | {"articles", "events"}
    assert found["id"] == story_id and found["size"] == len(found["articles"])
    # Its events, in time order, hold its articles: every article in exactly one of them.
    events = found["events"]
    assert len(events) == found["event_count"] >= 1
    assert [e["first_seen"] for e in events] == sorted(e["first_seen"] for e in events)
    assert sum(e["size"] for e in events) == found["size"]
    assert {a["event_id"] for a in found["articles"]} == {e["id"] for e in events}
    members = _members(crawled, story_id)
    assert [a["id"] for a in found["articles"]] == [m[0] for m in members]
    for article, (_, outlet, title, url, published, duplicate_of) in zip(
        found["articles"], members, strict=True
    ):
        assert set(article) == ARTICLE_KEYS
        assert (article["outlet"], article["title"], article["url"]) == (outlet, title, url)
        assert _when(article["published"]) == published
        assert article["duplicate_of"] == duplicate_of
    # The sample's syndicated copy (tribunjabar re-runs tribunnews) is marked as one.
    copies = [a for a in found["articles"] if a["duplicate_of"] is not None]
    assert [(c["outlet"], by["outlet"]) for c in copies for by in found["articles"]
            if by["id"] == c["duplicate_of"]] == [("tribunjabar", "tribunnews")]  # fmt: skip


def test_unknown_story_is_a_clear_error(crawled: Crawled) -> None:
    done = crawled.kliping.run("story", "999999", "--json")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip().endswith("kliping: no story 999999")
    assert "Traceback" not in done.stderr


# --- kliping export ---------------------------------------------------------------------------


def _story_articles(crawled: Crawled) -> dict[int, int]:
    """article id -> story id, for every stored article that belongs to a story."""
    return dict(crawled.sql("SELECT article_id, story_id FROM story_articles"))


def test_export_jsonl(crawled: Crawled) -> None:
    stories = crawled.json_lines("export", "--since", "2025-01-01", "--format", "jsonl")
    assert all(set(s) == STORY_KEYS | {"articles"} for s in stories)
    exported = [(a["id"], s["id"]) for s in stories for a in s["articles"]]
    assert len(exported) == len(set(exported))  # each article once
    assert dict(exported) == _story_articles(crawled)
    assert all(s["size"] == len(s["articles"]) for s in stories)


def test_export_csv(crawled: Crawled) -> None:
    out = crawled.run("export", "--since", "2025-01-01", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
        "story_id", "story_title", "event_id", "article_id", "outlet", "title", "url",
        "published", "duplicate_of", "authors", "fetched_at", "text",
    ]  # fmt: skip
    assert all(int(r["event_id"]) for r in rows)
    exported = [(int(r["article_id"]), int(r["story_id"])) for r in rows]
    assert len(exported) == len(set(exported))
    assert dict(exported) == _story_articles(crawled)
    # Titles with commas and quotes survive the round trip.
    stored = dict(crawled.sql("SELECT id, title FROM articles"))
    assert all(r["title"] == stored[int(r["article_id"])] for r in rows)
    assert any("," in r["title"] for r in rows)
    assert all(_when(r["published"]) for r in rows)
    copies = [r for r in rows if r["duplicate_of"]]
    assert copies and all(int(r["duplicate_of"]) in stored for r in copies)


def test_export_carries_text_authors_and_fetch_time(crawled: Crawled) -> None:
    stories = crawled.json_lines("export", "--since", "2025-01-01", "--format", "jsonl")
    stored = {
        r[0]: r[1:] for r in crawled.sql("SELECT id, text, authors, fetched_at FROM articles")
    }
    articles = [a for s in stories for a in s["articles"]]
    assert articles and all(set(a) == ARTICLE_KEYS | {"text", "authors", "fetched_at"}
                            for a in articles)  # fmt: skip
    for a in articles:
        text, authors, fetched_at = stored[a["id"]]
        assert (a["text"], a["authors"]) == (text, authors)
        assert _when(a["fetched_at"]) == fetched_at
    assert any(a["authors"] for a in articles)  # the sample has bylines
    slim = crawled.json_lines("export", "--since", "2025-01-01", "--no-text")
    assert all("text" not in a and "authors" in a for s in slim for a in s["articles"])
    out = crawled.run("export", "--since", "2025-01-01", "--format", "csv", "--no-text")
    assert next(csv.reader(io.StringIO(out)))[-2:] == ["authors", "fetched_at"]


def test_unknown_outlet_is_an_error_and_keys_ignore_case(crawled: Crawled) -> None:
    done = crawled.kliping.run("stories", "--outlet", "nosuch")
    assert done.returncode == 1 and done.stdout == ""
    assert "unknown outlet 'nosuch'" in done.stderr and "tempo" in done.stderr
    upper = crawled.json_lines("stories", "--json", "--outlet", "Tempo", *ALL)
    assert upper and upper == crawled.json_lines("stories", "--json", "--outlet", "tempo", *ALL)


def test_a_merged_away_story_says_into_which(crawled: Crawled) -> None:
    (kept,) = crawled.sql("SELECT max(story_id) FROM story_overview")[0]
    gone = kept + 1000  # a story id the clusterer joined into ``kept`` (as _apply_merges writes)
    crawled.sql("INSERT INTO story_merges (story_id, into_id) VALUES (%s, %s) RETURNING 1",
                (gone, kept))  # fmt: skip
    done = crawled.kliping.run("story", str(gone))
    assert done.returncode == 1
    assert f"story {gone} was merged into story {kept}" in done.stderr


def test_export_since_leaves_out_older_stories(crawled: Crawled) -> None:
    stories = crawled.json_lines("export", "--since", "2025-07-15", "--format", "jsonl")
    listed = crawled.json_lines("stories", "--json", "--since", "2025-07-15", *ALL)
    assert [s["id"] for s in stories] == [s["id"] for s in listed]


# --- the SQL views ----------------------------------------------------------------------------


def test_views_agree_with_the_cli(crawled: Crawled) -> None:
    (stories, multi, total), = crawled.sql(
        "SELECT count(*), count(*) FILTER (WHERE article_count >= 2), sum(article_count)"
        " FROM story_overview"
    )  # fmt: skip
    assert len(crawled.json_lines("stories", "--json", *ALL)) == stories
    assert len(crawled.json_lines("stories", "--json", "--min-size", "2", *ALL)) == multi
    assert crawled.sql("SELECT count(*) FROM story_articles") == [(total,)]
    # Every stored article is in exactly one story after the crawl's clustering.
    assert crawled.sql("SELECT count(*), count(DISTINCT id) FROM articles") == [(total, total)]
    per_story = crawled.sql(
        "SELECT o.story_id, o.article_count, o.outlet_count, count(a.*),"
        " count(DISTINCT a.outlet) FROM story_overview o JOIN story_articles a USING (story_id)"
        " GROUP BY 1, 2, 3"
    )
    assert all(n == members and k == outlets for _, n, k, members, outlets in per_story)


def test_readme_example_query_finds_stories_in_the_sample_data(crawled: Crawled) -> None:
    section = README.read_text("utf-8").split("## Reading stories", 1)[1].split("\n## ", 1)[0]
    (query,) = [b for b in re.findall(r"```sql\n(.*?)```", section, re.S) if "FROM story" in b]
    found = crawled.sql(query)
    assert found, "the README's example query returns nothing on the sample (demo) data"
    outlets: dict[int, set[str]] = {}
    for story, _, outlet, *_ in found:
        outlets.setdefault(story, set()).add(outlet)
    assert all(len(names) >= 3 for names in outlets.values())


def test_readme_read_only_role_reads_only_the_views(crawled: Crawled, pg_server: str) -> None:
    with (
        psycopg.connect(crawled.url, autocommit=True) as admin,
        readme_reader(admin, crawled.url) as reader_url,
    ):
        with psycopg.connect(reader_url, autocommit=True) as reader:
            overview = reader.execute("SELECT count(*) FROM story_overview").fetchone()
            articles = reader.execute("SELECT count(*) FROM story_articles").fetchone()
            assert overview == crawled.sql("SELECT count(*) FROM story_overview")[0]
            assert articles == crawled.sql("SELECT count(*) FROM story_articles")[0]
            for denied in (
                "SELECT count(*) FROM articles",
                "SELECT count(*) FROM stories",
                "SELECT count(*) FROM story_members",
                "INSERT INTO stories (label) VALUES ('x')",
                "UPDATE story_overview SET title = 'x'",
                "DELETE FROM story_overview",
            ):
                with pytest.raises(errors.InsufficientPrivilege):
                    reader.execute(denied)
        # The CLI reads as this role too (without migrating).
        as_reader = Kliping(dict(crawled.kliping.env, DATABASE_URL=reader_url))
        done = as_reader.run("stories", "--json", *ALL)
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout == crawled.run("stories", "--json", *ALL)
        # Search reads the views' search vector (migration 0003), so the role may search.
        done = as_reader.run("stories", "--json", "--search", "gempa", *ALL)
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout == crawled.run("stories", "--json", "--search", "gempa", *ALL)
        assert done.stdout.strip()
        # Commands that need the tables say so in one line, with their own exit code.
        for command in (("status",), ("db", "status"), ("db", "check")):
            done = as_reader.run(*command)
            assert done.returncode == 77, (command, done.stderr[-2000:])
            assert "needs the database owner's role" in done.stderr
            assert len(done.stderr.strip().splitlines()) == 1, done.stderr


# --- the seeds' story -------------------------------------------------------------------------

# Unrelated and confusable articles (written for this test): later Biden–Putin contacts, the
# Geneva talks the seeds announce, and same-day news that shares none of their event.
OTHERS = [
    (
        "kompas",
        "2022-02-13T08:10:00+07:00",
        "Biden dan Putin Kembali Bicara Lewat Telepon Selama Satu Jam, Belum Ada Terobosan",
        "Presiden Amerika Serikat Joe Biden dan Presiden Rusia Vladimir Putin kembali berbicara "
        "lewat telepon pada Sabtu, 12 Februari 2022, di tengah kekhawatiran Barat bahwa serangan "
        "ke Ukraina bisa terjadi dalam hitungan hari.\nGedung Putih menyebut percakapan itu "
        "berlangsung sekitar satu jam dan bersifat profesional, tetapi tidak menghasilkan "
        "perubahan mendasar.\nWashington telah meminta warganya segera meninggalkan Ukraina dan "
        "menarik sebagian besar staf kedutaannya dari Kyiv.\nMoskwa menuding Amerika Serikat "
        "menyebarkan histeria tentang rencana invasi yang menurut Kremlin tidak pernah ada.",
    ),
    (
        "antaranews",
        "2022-01-10T23:30:00+07:00",
        "Delegasi AS dan Rusia berunding delapan jam di Jenewa soal keamanan Eropa",
        "Wakil Menteri Luar Negeri AS Wendy Sherman dan Wakil Menteri Luar Negeri Rusia Sergei "
        "Ryabkov bertemu di Jenewa, Swiss, pada Senin dalam dialog stabilitas strategis.\n"
        "Pertemuan yang berlangsung hampir delapan jam itu membahas tuntutan Rusia agar NATO "
        "tidak memperluas keanggotaannya ke arah timur.\nRyabkov mengatakan kepada wartawan bahwa "
        "Rusia tidak berniat menyerang negara tetangganya, sementara Sherman menyebut sejumlah "
        "usulan Moskwa sama sekali tidak dapat diterima.\nKedua pihak sepakat melanjutkan "
        "pembicaraan di Brussel dan Wina pekan ini.",
    ),
    (
        "detik",
        "2021-12-31T08:40:00+07:00",
        "Shin Tae-yong Minta Timnas Indonesia Bangkit di Leg Kedua Final Piala AFF",
        "Pelatih Timnas Indonesia Shin Tae-yong meminta para pemainnya melupakan kekalahan 0-4 "
        "dari Thailand pada leg pertama final Piala AFF 2020.\nLeg kedua akan digelar di "
        "Stadion Nasional Singapura pada Sabtu malam, 1 Januari 2022.\nShin mengatakan timnya "
        "akan bermain menyerang sejak menit awal dan berusaha mencetak gol cepat.\nSejumlah "
        "pemain seperti Asnawi Mangkualam dan Pratama Arhan dipastikan siap tampil, sedangkan "
        "Evan Dimas masih menjalani pemulihan cedera.",
    ),
    (
        "tribunnews",
        "2021-12-31T10:15:00+07:00",
        "Jelang Malam Tahun Baru, Polisi Tutup Sejumlah Ruas Jalan di Jakarta Mulai Pukul 22.00",
        "Polda Metro Jaya akan menutup sejumlah ruas jalan di Jakarta pada malam pergantian "
        "tahun untuk mencegah kerumunan di tengah pandemi Covid-19.\nPenutupan berlaku mulai "
        "pukul 22.00 WIB di kawasan Sudirman, Thamrin, dan Bundaran HI.\nWarga diimbau merayakan "
        "tahun baru di rumah masing-masing dan tidak menyalakan kembang api.\nPolisi juga "
        "menyiapkan penyekatan di sejumlah titik perbatasan kota.",
    ),
    (
        "cnnindonesia",
        "2021-12-31T21:00:00+07:00",
        "Zelensky Sampaikan Pidato Tahun Baru, Ajak Warga Ukraina Tetap Bersatu",
        "Presiden Ukraina Volodymyr Zelensky menyampaikan pidato menyambut tahun baru yang "
        "disiarkan televisi nasional menjelang tengah malam di Kyiv.\nDalam pidatonya ia "
        "mengajak warga tetap bersatu, berterima kasih kepada tenaga kesehatan, dan berharap "
        "tahun 2022 membawa perdamaian di wilayah timur negara itu.\nZelensky juga menyinggung "
        "pemulihan ekonomi dan program vaksinasi Covid-19 yang terus dipercepat.",
    ),
]


def _seed(name: str) -> str:
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"seed {path} not present (the repo is expected next to ../shared)")
    return path.read_text("utf-8").strip()


def test_the_seeds_story_shows_both_articles(kliping: Kliping, db_url: str) -> None:
    poskupang_text = _seed("poskupang_biden_putin.txt")
    medcom_text = _seed("medcom_biden_putin.txt")
    with psycopg.connect(db_url, autocommit=True) as conn:
        poskupang = store(
            conn, "poskupang", "2021-12-31T07:30:00+07:00",
            "Putin Peringatkan Biden, Sanksi Baru atas Ukraina Bisa Putus Hubungan AS-Rusia",
            poskupang_text,
        )  # fmt: skip
        medcom = store(
            conn, "medcom", "2021-12-31T09:45:00+07:00",
            "Biden Ancam Respons Tegas Jika Rusia Serbu Ukraina, Putin: Sanksi Kesalahan Besar",
            medcom_text,
        )  # fmt: skip
        others = {store(conn, *other) for other in OTHERS}
        assert cluster_pending(conn) == 2 + len(OTHERS)
        (story_id,), = conn.execute(
            "SELECT story_id FROM story_members WHERE article_id = %s", (poskupang,)
        ).fetchall()  # fmt: skip
    done = kliping.run("story", str(story_id), "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    story = json.loads(done.stdout)
    ids = {a["id"] for a in story["articles"]}
    assert {poskupang, medcom} <= ids, f"the seeds were split: story {story_id} has {ids}"
    assert not ids & others, f"unrelated articles joined the seeds' story: {ids & others}"
    assert story["size"] == 2 and story["outlets"] == ["medcom", "poskupang"]


def test_db_status_counts_the_stored_rows(crawled: Crawled) -> None:
    (articles, stories, runs), = crawled.sql(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM stories),"
        " (SELECT count(*) FROM crawl_runs)"
    )  # fmt: skip
    assert articles > 0 and stories > 0 and runs > 0  # the crawl filled all three
    out = crawled.run("db", "status")
    assert f"articles: {articles}, stories: {stories}, crawl runs: {runs}" in out
