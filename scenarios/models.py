"""Models of 应用场景: they arrive with their own issue."""
