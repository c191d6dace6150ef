"""Embedders: the `Embedder` protocol, the e5 conversion, the int8 ONNX encoders, the vector cache."""
