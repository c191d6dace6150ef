"""Generation: the LangChain chain over a configured chat model, and verification of its citations."""
