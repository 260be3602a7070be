"""Satisfaction surveys (SIPAS): questionnaires, campaigns, responses and their indices."""
