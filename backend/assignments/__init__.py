"""Assignments: one leader (with a team and a visiting interval) per enterprise (五个一 挂钩)."""
