"""Adapters to other frameworks (LangChain's `BaseRetriever`)."""
