"""Appraisal section widgets (thẩm định): council set-up, score grid, results, printing."""
