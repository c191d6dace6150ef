"""The edges: command line, Gradio UI, rendering, serving, access and the audit log."""
