"""Indonesian text: normalisation, stems, vocabulary, dates, entity patterns and span features."""
