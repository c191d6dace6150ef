"""Reading: the learned reader (the default) and the rules, which decide the answer or decline."""


def __getattr__(name: str) -> object:
    """The names of the old flat module `tanya_sumsel.reading` (now `tanya_sumsel.reading.learned`), for one release."""
    from tanya_sumsel._moved import forward

    return forward(__name__, "tanya_sumsel.reading.learned", name)
