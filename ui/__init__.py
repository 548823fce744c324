"""Streamlit-side helpers shared by the pages: frame, URL state, widgets and Altair charts."""
