"""Index stores: the `Store` protocol, the local store (FAISS + SQLite + BM25) and PostgreSQL + pgvector."""
