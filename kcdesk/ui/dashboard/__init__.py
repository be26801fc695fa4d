"""Programme-target dashboard widgets (issue 6): view, target table, charts, drill-down."""
