"""Catalogue screens: the grouped catalogue, states and versions, exports, Excel import."""
