"""The wall's business operations, one module per area (posts, review, publishing, reports ...)."""
