"""Implementation section widgets: the list, the proposal panel and its tabs."""
