from tanya_sumsel.corpus.chunk import chunk_article, split_sentences
from tanya_sumsel.corpus.ingest import make_article


def test_abbreviations_titles_and_numbers_do_not_split() -> None:
    text = (
        "Sekretaris Daerah Sumsel, Dr. Drs. H. Edward Candra, MH, dalam laporannya menyebut inflasi 5,6 persen. "
        "Hj. Siti Aminah, S.E., hadir bersama Kab. OKI No. 12 dan Ir. Budi. "
        'Anggaran Rp 1.500.000 disetujui. "Kami siap," kata Prof. Ali. Ia pergi.'
    )
    sentences = [s.text for s in split_sentences(text)]
    assert sentences == [
        "Sekretaris Daerah Sumsel, Dr. Drs. H. Edward Candra, MH, dalam laporannya menyebut inflasi 5,6 persen.",
        "Hj. Siti Aminah, S.E., hadir bersama Kab. OKI No. 12 dan Ir. Budi.",
        "Anggaran Rp 1.500.000 disetujui.",
        '"Kami siap," kata Prof. Ali.',
        "Ia pergi.",
    ]


def test_quote_ending_sentence_and_newlines() -> None:
    text = "“Kita berlari,” tegas Herman Deru.\nIa meminta pejabat bekerja. “Jangan kaku.” Lalu pulang."
    assert [s.text for s in split_sentences(text)] == [
        "“Kita berlari,” tegas Herman Deru.",
        "Ia meminta pejabat bekerja.",
        "“Jangan kaku.”",
        "Lalu pulang.",
    ]


def test_chunks_keep_spans_overlap_and_fit_the_limit() -> None:
    body = " ".join(f"Kalimat nomor {i} membahas pembangunan jalan di Palembang." for i in range(40))
    art = make_article(body, path="x.txt", title="Judul", source="Media")
    chunks = chunk_article(art, max_words=40, overlap=1)
    assert len(chunks) > 5
    for ch in chunks:
        assert art.text[ch.start : ch.end] == ch.text
        assert len(ch.text.split()) <= 40
        assert ch.article_id == art.id
    # one sentence of overlap between neighbours
    assert chunks[1].text.split(".")[0] in chunks[0].text
    assert chunks[0].embed_text(art).startswith("Judul | Media\n")


def test_overlong_sentence_is_split_by_words() -> None:
    art = make_article(" ".join(["kata"] * 300) + ".", path="x.txt")
    chunks = chunk_article(art, max_words=100, overlap=1)
    assert all(len(c.text.split()) <= 100 for c in chunks) and len(chunks) == 3
