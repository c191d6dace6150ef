"""The local store: FAISS vectors, SQLite records and BM25 arrays in atomically switched generations."""
