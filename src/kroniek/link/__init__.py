"""Link: mentions of the same entity within a document, and (later) across documents."""
