"""Models of 存量楼宇: they arrive with their own issue."""
