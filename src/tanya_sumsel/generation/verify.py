"""Verify a generated answer's citations against the passages it cites; drop what they do not support."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tanya_sumsel.corpus.chunk import split_sentences
from tanya_sumsel.lang.normalize import normalize_number, terms
from tanya_sumsel.types import Passage

_MARKER = re.compile(r"\s*\[(\d+)\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"\b[A-Z][a-z]{2,}(?:\s+[A-Z][a-z]+)*")
_NOT_FOUND = re.compile(
    r"tidak (memuat|menyebutkan|ada|ditemukan|terdapat)|tidak disebutkan|do(es)? not (contain|mention|say)|"
    r"no (information|answer)|not (mentioned|stated)",
    re.I,
)
MIN_OVERLAP = 0.5  # share of a sentence's content terms that its cited passages must contain


@dataclass(frozen=True)
class Claim:
    """One sentence of a generated answer, with the passage numbers it cites."""

    text: str  # without markers
    cites: tuple[int, ...]


@dataclass(frozen=True)
class Verified:
    """Supported claims (citing valid passage numbers), and what was removed with reasons."""

    claims: tuple[Claim, ...]
    dropped: tuple[str, ...]
    not_found: bool


def parse_claims(text: str) -> list[Claim]:
    """Split generated text into sentences and collect each one's [n] markers."""
    claims = []
    for s in split_sentences(text.strip()):
        cites = tuple(int(n) for n in _MARKER.findall(s.text))
        bare = _MARKER.sub("", s.text).strip()
        if bare and not re.fullmatch(r"[\W_]+", bare):
            claims.append(Claim(bare, cites))
        elif cites and claims:  # markers on their own after a sentence belong to it
            claims[-1] = Claim(claims[-1].text, claims[-1].cites + cites)
    return claims


def _numbers(text: str) -> set[str]:
    return {normalize_number(n) for n in _NUMBER.findall(text)}


def supported(claim: str, passages: list[Passage]) -> tuple[bool, str]:
    """Whether the cited passages contain the claim's numbers, names and most of its content terms."""
    source = " ".join(p.text for p in passages)
    missing_numbers = _numbers(claim) - _numbers(source)
    if missing_numbers:
        return False, f"angka {', '.join(sorted(missing_numbers))} tidak ada di sumber"
    source_lower = source.lower()
    missing_names = [n for n in _NAME.findall(claim) if n.lower() not in source_lower and not claim.startswith(n)]
    if missing_names:
        return False, f"nama {', '.join(missing_names)} tidak ada di sumber"
    claim_terms = set(terms(claim))
    if claim_terms:
        overlap = len(claim_terms & set(terms(source))) / len(claim_terms)
        if overlap < MIN_OVERLAP:
            return False, f"hanya {overlap:.0%} isi kalimat ada di sumber"
    return True, ""


def verify(text: str, passages: list[Passage]) -> Verified:
    """Keep sentences whose markers point at real passages that support them; report the rest."""
    claims, dropped = [], []
    not_found = False
    for claim in parse_claims(text):
        valid = tuple(n for n in claim.cites if 1 <= n <= len(passages))
        bad = [n for n in claim.cites if n not in valid]
        if bad:
            dropped.append(f"penanda [{'], ['.join(map(str, bad))}] tidak menunjuk sumber mana pun: dihapus")
        if not valid:
            if _NOT_FOUND.search(claim.text):
                not_found = True
            else:
                dropped.append(f"kalimat tanpa sumber dihapus: “{claim.text}”")
            continue
        ok, why = supported(claim.text, [passages[n - 1] for n in valid])
        if ok:
            claims.append(Claim(claim.text, tuple(dict.fromkeys(valid))))
        else:
            dropped.append(f"kalimat tidak didukung sumbernya ({why}) dihapus: “{claim.text}”")
    return Verified(tuple(claims), tuple(dropped), not_found and not claims)
