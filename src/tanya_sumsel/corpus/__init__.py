"""Articles in: corpus files, saved and fetched web pages, syndicated copies, and their chunks."""
