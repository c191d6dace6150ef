"""The question: its type, the reader's spelling of it, follow-ups and the time it asks about."""


def __getattr__(name: str) -> object:
    """The names of the old flat module `tanya_sumsel.question` (now `tanya_sumsel.question.kind`), for one release."""
    from tanya_sumsel._moved import forward

    return forward(__name__, "tanya_sumsel.question.kind", name)
