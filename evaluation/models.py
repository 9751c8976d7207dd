"""Models of 发展评价: they arrive with their own issue."""
