"""The per-client question limit's window (a fake clock; the real server's load test is in test_roles.py)."""

from __future__ import annotations

from tanya_sumsel.app.ratelimit import RateLimiter, message


def test_the_window_slides_per_client() -> None:
    now = [1000.0]
    limiter = RateLimiter(3, clock=lambda: now[0])
    assert [limiter.wait("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.wait("a") == 60.0, "the fourth within the minute waits for the first to age out"
    assert limiter.wait("b") == 0.0, "another client is not affected"
    now[0] += 30
    assert limiter.wait("a") == 30.0, "a refusal is not counted"
    now[0] += 30.5
    assert limiter.wait("a") == 0.0 and limiter.wait("a") == 0.0 and limiter.wait("a") == 0.0
    assert limiter.wait("a") > 0
    assert all(RateLimiter(0).wait("x") == 0.0 for _ in range(100)), "0 is no limit"


def test_the_message_speaks_the_question_language() -> None:
    assert message(12.4, 20, "id") == (
        "Terlalu banyak pertanyaan dalam semenit terakhir (batas 20). Silakan coba lagi dalam 12 detik."
    )
    assert message(0.2, 5, "en").startswith("Too many questions") and "in 1 s" in message(0.2, 5, "en")
