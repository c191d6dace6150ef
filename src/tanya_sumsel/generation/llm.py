"""LLM backends: a LangChain chat model from settings (OpenAI-compatible or Ollama), or None for extractive mode."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from tanya_sumsel.errors import GeneratorError
from tanya_sumsel.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


def prompt_text(name: str) -> str:
    """A prompt shipped as package data (`prompts/NAME.txt`)."""
    return resources.files("tanya_sumsel.generation").joinpath("prompts", f"{name}.txt").read_text(encoding="utf-8")


def describe_mode(settings: Settings) -> str:
    """Human-readable answer mode for the UI and `info`."""
    if settings.llm.startswith("ollama:"):
        return f"generatif (Ollama: {settings.llm.split(':', 1)[1]})"
    if settings.llm_base_url or settings.llm == "openai":
        return f"generatif (OpenAI-compatible: {settings.llm_model or '?'} @ {settings.llm_base_url or 'default'})"
    return "ekstraktif (tanpa LLM)"


def load_chat_model(settings: Settings) -> BaseChatModel | None:
    """The configured chat model, or None when no LLM is configured (extractive mode)."""
    if settings.llm.startswith("ollama:"):
        try:
            from langchain_ollama import ChatOllama
        except ImportError as exc:
            raise GeneratorError("Mode Ollama butuh paket tambahan: pip install -e '.[ollama]'") from exc
        import os

        return ChatOllama(
            model=settings.llm.split(":", 1)[1],
            base_url=os.environ.get("OLLAMA_HOST") or None,
            temperature=0,
            client_kwargs={"timeout": settings.llm_timeout},
        )
    if settings.llm_base_url or settings.llm == "openai":
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:
            raise GeneratorError("Mode OpenAI-compatible butuh paket tambahan: pip install -e '.[openai]'") from exc
        if not settings.llm_model:
            raise GeneratorError("Setel TANYA_LLM_MODEL (nama model di server LLM Anda).")
        return ChatOpenAI(
            model=settings.llm_model,
            base_url=settings.llm_base_url or None,
            api_key=settings.llm_api_key or "tidak-perlu",
            temperature=0,  # type: ignore[arg-type]
            timeout=settings.llm_timeout,
            max_retries=1,
        )
    if settings.llm:
        raise GeneratorError(
            f"TANYA_LLM={settings.llm!r} tidak dikenal. Gunakan 'ollama:NAMA_MODEL' atau "
            "TANYA_LLM_BASE_URL + TANYA_LLM_MODEL untuk server OpenAI-compatible."
        )
    return None
