"""Tokens for comparison: words, stop words (Indonesian and English), light affix stripping.

The Indonesian stripper is rule-only (no root dictionary), so it is licence-clean (PySastrawi's
dictionary is CC-BY-NC-SA). It only has to map the common variants of one word to one key
("ditangkap", "menangkap", "penangkapan" -> "tangkap"); a wrong but consistent key costs nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache

import stopwordsiso

# \w without the underscore; keep inner dots/hyphens of numbers and names out (split on them).
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _wordlist(text: str) -> frozenset[str]:
    return frozenset(text.split())


ID_STOPWORDS: frozenset[str] = frozenset(stopwordsiso.stopwords("id"))
# stopwordsiso's English list (1,298 words) holds content words that make headlines ("bill",
# "billion", "fire", "computer", "face"), so English uses a core list of function words instead.
EN_STOPWORDS: frozenset[str] = _wordlist(
    """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves s t don says said say new via amid us vs update updated video photos
    photo watch report reports
    """
)
# Words every Indonesian news story uses that stopwordsiso lacks (reporting verbs, weekdays, months,
# outlet names that survive in leads and "dikutip dari ...").
ID_NEWS_STOPWORDS: frozenset[str] = _wordlist(
    """
    senin selasa rabu kamis jumat sabtu minggu januari februari maret april mei juni juli
    agustus september oktober november desember jan feb mar apr jun jul agu agt sep okt nov
    des wib wita wit kompas com liputan6 detik detikcom tempo okezone tribunnews tribun
    republika antara cnn medcom kumparan suara sindonews jpnn merdeka viva inews id co www
    https http html baca juga pun nya lah kah ujarnya katanya jelasnya tuturnya imbuhnya
    tambahnya pungkasnya sambungnya ucapnya terangnya kata ujar jelas tutur imbuh pungkas
    sambung ucap terang dilansir dikutip melansir
    """
)
STOPWORDS: frozenset[str] = ID_STOPWORDS | EN_STOPWORDS | ID_NEWS_STOPWORDS

# Frequent words the prefix rules would wreck (men+teri is not meN-+teri); kept whole.
_ID_PROTECTED = _wordlist(
    """
    menteri mentri pemerintah pemerintahan pengadilan pemilu penjara perang pertamina
    bendahara berita bekasi betawi terminal kementerian kemendagri kemenag kemensos kemenkes
    kejaksaan kepolisian kepala keluarga kedubes perdana persatuan pelabuhan
    """
)
_PARTICLES = ("lah", "kah", "tah", "pun")
_POSSESSIVES = ("nya", "ku", "mu")
_DERIVATIONAL = ("kan", "an", "i")
_VOWELS = frozenset("aeiou")


def words(text: str) -> list[str]:
    """Surface word tokens in order (case kept: the caller decides about entities)."""
    return _WORD.findall(text)


def is_indonesian(tokens: list[str]) -> bool:
    """Cheap language guess from stop-word hits; ties and empty input count as Indonesian."""
    low = list(map(str.lower, tokens[:400]))
    return sum(map(ID_STOPWORDS.__contains__, low)) >= sum(map(EN_STOPWORDS.__contains__, low))


@lru_cache(maxsize=200_000)
def stem_id(word: str) -> str:
    """Light Indonesian affix stripper: particle, possessive, one derivational suffix, prefixes."""
    if len(word) <= 4 or not word.isalpha() or word in _ID_PROTECTED:
        return word
    w = word
    for suf in _PARTICLES:
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            w = w[: -len(suf)]
            break
    for suf in _POSSESSIVES:
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            w = w[: -len(suf)]
            break
    w = _strip_prefixes(w)
    for suf in _DERIVATIONAL:
        # "-i" only after a consonant: "dekati" -> "dekat" but not "polisi" -> "polis".
        if w.endswith(suf) and len(w) - len(suf) >= 4 and (suf != "i" or w[-2] not in _VOWELS):
            w = w[: -len(suf)]
            break
    return w


def _strip_prefixes(w: str) -> str:
    for _ in range(2):  # at most two prefixes: "diper-", "memper-", "ke-...-an" already handled
        before = w
        w = _strip_one_prefix(w)
        if w == before or len(w) <= 4:
            break
    return w


def _strip_one_prefix(w: str) -> str:
    n = len(w)
    if n <= 5:
        return w
    if w.startswith(("di", "ke", "se")) and n - 2 >= 4:
        return w[2:]
    if w.startswith(("ter", "ber", "per")) and n - 3 >= 4:
        return w[3:]
    if w.startswith(("be", "pe")) and w[2] == "r" and n - 3 >= 4:
        return w[3:]
    if w.startswith(("meng", "peng")) and n - 4 >= 4:
        return w[4:]  # mostly vowel-initial roots: mengambil, mengungkap, pengadaan
    if w.startswith(("meny", "peny")) and n - 4 >= 3 and w[4] in _VOWELS:
        return "s" + w[4:]  # menyerang -> serang
    if w.startswith(("mem", "pem")) and n - 3 >= 4:
        # memeriksa -> periksa, membantu -> bantu
        return ("p" + w[3:]) if w[3] in _VOWELS else w[3:]
    if w.startswith(("men", "pen")) and n - 3 >= 4:
        # menangkap -> tangkap, mencari -> cari
        return ("t" + w[3:]) if w[3] in _VOWELS else w[3:]
    if w.startswith(("me", "pe")) and w[2] in "lmnrwy" and n - 2 >= 4:
        return w[2:]  # melapor -> lapor, merusak -> rusak
    return w


@lru_cache(maxsize=200_000)
def stem_en(word: str) -> str:
    """An S-stemmer plus -ing/-ed: enough to join "tapering"/"taper", "talks"/"talk"."""
    w = word
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("ing") and len(w) > 5:
        w = w[:-3]
    elif w.endswith("ed") and len(w) > 4:
        w = w[:-2]
    return w
