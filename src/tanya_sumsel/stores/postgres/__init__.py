"""The PostgreSQL store: pgvector HNSW and BM25 over one database, its writer and its errors."""
