"""Renderers for official reports: the Decree 30/2020 .docx builder and XLSX tables."""
