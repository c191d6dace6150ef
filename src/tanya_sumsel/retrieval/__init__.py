"""Retrieval: hybrid dense + BM25 search, the learned reranker, and the time a question asks for."""
