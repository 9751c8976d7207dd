"""Models of 政策与目标: they arrive with their own issue."""
