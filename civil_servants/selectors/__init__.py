"""Reads shared by the pages, the API and the services of civil servants' files."""
