"""Extensions that act at the end of a run: summary, archive, publish."""
