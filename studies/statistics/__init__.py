"""Department statistics (issue 9): the paper's figures, computed with database aggregation."""
