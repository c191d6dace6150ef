"""The columns of a short-answer span's feature row, by name: what `span_features` computes and what the shipped
span models were trained on (a model file lists the same names and is refused when they differ)."""

from __future__ import annotations

ANSWERS_TYPES = ("who", "when", "amount", "where", "what")
KINDS = ("date", "amount", "name", "place")  # the entity patterns a span can match (entities.py)
# The feature columns, by name: the model file lists the same names and is refused when they differ.
FEATURE_NAMES: tuple[str, ...] = (
    "bias",
    *(f"words_{n}" for n in ("1", "2", "3", "4", "5", "6+")),
    "all_capitalized",
    "first_capitalized",
    "last_capitalized",
    "has_digit",
    "question_overlap",
    "all_in_question",
    "first_is_stopword",
    "last_is_stopword",
    "cuts_capitalized_run_left",
    "cuts_capitalized_run_right",
    "log_nearest_question_word",
    "question_word_just_left",
    "question_word_just_right",
    "sentence_score",
    *(f"sentence_rank_{n}" for n in ("0", "1", "2", "3+")),
    *(f"passage_rank_{n}" for n in ("0", "1", "2+")),
    *(f"is_{kind}" for kind in KINDS),
    *(f"inside_{kind}" for kind in KINDS),
    # per question type, the pattern evidence that type calls for (a who question wants a name …)
    *(
        f"{qtype}_{what}"
        for qtype in ANSWERS_TYPES
        for what in (
            *(f"is_{kind}" for kind in KINDS),
            "inside_any",
            "has_digit",
            "all_capitalized",
            "first_capitalized_only",
            "question_overlap",
        )
    ),
    *(f"after_cue_{cue}" for cue in ("place", "speaker", "copula", "time", "quantity")),
    "first_is_head_noun",
    "has_head_noun",
    "after_head_noun",
    "balanced_brackets",
    "unbalanced_bracket",
    "has_comma",
    "ends_in_punctuation",
    "first_is_org_word",
    "passage_score",
    "first_lowercase",
    "log_repeats_in_other_sentences",
    "question_words_5_before",
    "question_words_5_after",
    "question_words_10_share",
    "question_words_3_around",
    "question_names_10_around",
)
N_FEATURES = len(FEATURE_NAMES)
F = {name: n for n, name in enumerate(FEATURE_NAMES)}
