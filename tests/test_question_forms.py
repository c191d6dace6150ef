"""The question as the reader reads it: chat spellings written out, acronyms the way the passages write them."""

from __future__ import annotations

from tanya_sumsel.question.forms import as_the_passages_say, reader_question, written_out

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
