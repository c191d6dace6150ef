"""Building and updating the index: corpus → chunks → embeddings → a store; feeds and URLs in."""
