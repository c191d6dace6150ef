"""The question as the reader reads it: chat spellings written out, acronyms the way the passages write them, an
English question with Indonesian question words and the glossary's words."""

from __future__ import annotations

from tanya_sumsel.lang.glossary import NEWS_WORDS
from tanya_sumsel.lang.normalize import terms
from tanya_sumsel.question.forms import as_the_passages_say, in_indonesian_terms, reader_question, written_out

SEED_SENTENCE = "Sekretaris Daerah Sumsel, Dr. Drs. H. Edward Candra, MH, membuka rapat koordinasi di Griya Agung."


def test_chat_spellings_are_written_out_and_acronyms_and_titles_stay() -> None:
    assert written_out("brp personel yg disiagakan utk karhutla") == "berapa personel yang disiagakan untuk karhutla"
    assert written_out("kpn dan dmn rakor digelar") == "kapan dan di mana rakor digelar"
    assert written_out("Dr. Edward dr mana") == "Dr. Edward dari mana", "'Dr.' is a title, 'dr' is 'dari'"
    assert written_out("Siapa ketua PD SP Sumsel?") == "Siapa ketua PD SP Sumsel?", "capitalised: an acronym"


def test_an_acronym_meets_the_passage_s_spelling_both_ways() -> None:
    assert as_the_passages_say("Siapa Sekda Sumsel?", SEED_SENTENCE) == "Siapa Sekretaris Daerah Sumsel?"
    assert as_the_passages_say("kapan rakor digelar", SEED_SENTENCE) == "kapan rapat koordinasi digelar"
    assert as_the_passages_say("siapa sekretaris daerah sumsel", "Sekda Sumsel Edward Candra") == "siapa Sekda sumsel"
    both = "Sekda (Sekretaris Daerah) Sumsel Edward Candra"
    assert as_the_passages_say("Siapa Sekda Sumsel?", both) == "Siapa Sekda Sumsel?", "written both ways: untouched"
    assert reader_question("sp sekda sumsel", [SEED_SENTENCE]) == "siapa Sekretaris Daerah sumsel"


def test_an_english_question_reads_with_indonesian_question_words() -> None:
    assert in_indonesian_terms("Who is the mayor of Lubuklinggau?") == "siapa wali kota Lubuklinggau?"
    assert in_indonesian_terms("How many houses were flooded in Musi Rawas Utara?") == (
        "berapa rumah rendam di Musi Rawas Utara?"
    )
    assert in_indonesian_terms("Where was the coordination meeting held?") == "di mana rakor gelar?"
    assert in_indonesian_terms("When did Long Bagun flood?") == "kapan Long Bagun banjir?", "a name stays"
    assert in_indonesian_terms("who's the mayor of lubuklinggau") == "siapa wali kota lubuklinggau", "a contraction"
    assert reader_question("Who is the regional secretary of South Sumatra?", [SEED_SENTENCE], "en") == (
        "siapa Sekretaris Daerah Sumsel?"
    )
    assert reader_question("Siapa yang membuka rakor di Griya Agung?", [SEED_SENTENCE]) == (
        "Siapa yang membuka rapat koordinasi di Griya Agung?"
    ), "asked in Indonesian: only the acronym meets the passage's spelling"


def test_an_english_question_reads_its_small_words_relatives_and_everyday_words_in_indonesian() -> None:
    assert in_indonesian_terms("Who is the film director who died in 2001?") == (
        "siapa film direktur yang meninggal di 2001?"
    ), "a 'who' after a noun relates"
    assert in_indonesian_terms("In which city was the port built?") == "di apa kota pelabuhan bangun?"
    assert in_indonesian_terms("What is the tiger's Latin name?") == "apa harimau Latin nama?", "a possessive"
    assert in_indonesian_terms("What was sold on Wednesday 1 January 2006?") == "apa jual pada Rabu 1 Januari 2006?"
    assert in_indonesian_terms("How many lakes are silted up in East Java?") == (
        "berapa danau silted di Jawa Timur?"
    ), "an everyday word and a place named in English order; a word the glossary lacks stays, a particle goes"
    assert in_indonesian_terms("How long is the Musi VI bridge?") == "berapa panjang Musi VI jembatan?", "a length"
    assert in_indonesian_terms("How long did the meeting take?") == "berapa lama rapat take?", "a duration"


def test_everyday_english_words_are_glossed_for_search_but_not_capitalised_names_in_indonesian() -> None:
    assert terms("how many farmers lost their harvest", translate=True) == ["tani", "kalah", "panen"]
    assert "kalah" not in terms("Siapa sutradara serial televisi Lost?", translate=True), "a title stays as printed"
    assert "garam" not in terms("Apa isi The Years of Rice and Salt?", translate=True)
    assert "juara" in terms("Who won the World Championships?", translate=True, english=True), "English title case"
    assert "gubernur" in terms("Siapa Governor Sumsel?", translate=True), "the trained glossary's titles always"
    assert "januari" in terms("What fell in January?", translate=True, english=True), "a month, capitalised"


def test_the_everyday_news_words_parse_into_single_word_keys() -> None:
    assert len(NEWS_WORDS) > 700
    assert all(key.isalpha() and key.islower() for key in NEWS_WORDS), [k for k in NEWS_WORDS if not k.isalpha()]
    assert not [v for v in NEWS_WORDS.values() if "=" in v or not v], "a pair split across lines"
    assert (NEWS_WORDS["born"], NEWS_WORDS["sun"]) == ("lahir", "matahari"), "a domain's first pair after a header"
